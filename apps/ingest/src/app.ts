import type { FastifyPluginAsync } from 'fastify';
import type { AppModule } from '@biomon/http';
import type { AppContext } from '@biomon/runtime';
import { occurrenceIngestRoutes } from './routes/occurrences.routes';
import { stationObservationRoutes } from './routes/station-observations.routes';
import { importUploadRoutes } from './routes/imports.routes';
import { INGEST_SCHEMAS } from './routes/batch.schemas';

/** The write path for survey teams and stations: uploads, pushes, file imports. Scales on its own. */
const ingestPlugin: FastifyPluginAsync<{ ctx: AppContext }> = async (app, opts) => {
  await app.register(occurrenceIngestRoutes, opts);
  await app.register(stationObservationRoutes, opts);
  await app.register(importUploadRoutes, opts);
};

export const ingestModule: AppModule = { name: 'ingest', plugin: ingestPlugin, schemas: INGEST_SCHEMAS };
