import type { FastifyPluginAsync } from 'fastify';
import type { AppContext, AppModule } from '@biomon/http';
import { occurrenceIngestRoutes } from './routes/occurrences.routes';
import { stationObservationRoutes } from './routes/station-observations.routes';
import { importUploadRoutes } from './routes/imports.routes';

/** The write path for survey teams and stations: uploads, pushes, file imports. Scales on its own. */
const ingestPlugin: FastifyPluginAsync<{ ctx: AppContext }> = async (app, opts) => {
  await app.register(occurrenceIngestRoutes, opts);
  await app.register(stationObservationRoutes, opts);
  await app.register(importUploadRoutes, opts);
};

export const ingestModule: AppModule = { name: 'ingest', plugin: ingestPlugin };
