import type { FastifyPluginAsync } from 'fastify';
import type { AppModule } from '@biomon/http';
import type { AppContext } from '@biomon/runtime';
import { taxaRoutes } from './routes/taxa.routes';
import { occurrenceReadRoutes } from './routes/occurrences.routes';
import { indicatorRoutes } from './routes/indicators.routes';
import { importReadRoutes } from './routes/imports.routes';
import { layerRoutes } from './routes/layers.routes';
import { auditRoutes } from './routes/audit.routes';
import { stationRoutes } from './routes/stations.routes';
import { ledgerRoutes } from './routes/ledger.routes';
import { reportRoutes } from './routes/reports.routes';
import { fileRoutes } from './routes/files.routes';
import { exportRoutes } from './routes/exports.routes';
import { ogcRoutes } from './routes/ogc.routes';
import { tileRoutes } from './routes/tiles.routes';
import { downloadRoutes } from './routes/downloads.routes';
import { meRoutes } from './routes/me.routes';
import { webRoutes } from './routes/web.routes';
import { alertRoutes } from './routes/alerts.routes';
import { screeningRoutes } from './routes/screenings.routes';
import { germplasmRoutes } from './routes/germplasm.routes';
import { rasterRoutes } from './routes/rasters.routes';
import { landCoverRoutes } from './routes/land-cover.routes';
import { API_SCHEMAS } from './schemas';

/** The read and management path: queries, layers, indicators, ledger, reports, exports. */
const apiPlugin: FastifyPluginAsync<{ ctx: AppContext }> = async (app, opts) => {
  await app.register(taxaRoutes, opts);
  await app.register(occurrenceReadRoutes, opts);
  await app.register(indicatorRoutes, opts);
  await app.register(importReadRoutes, opts);
  await app.register(layerRoutes, opts);
  await app.register(auditRoutes, opts);
  await app.register(stationRoutes, opts);
  await app.register(ledgerRoutes, opts);
  await app.register(reportRoutes, opts);
  await app.register(fileRoutes, opts);
  await app.register(exportRoutes, opts);
  await app.register(ogcRoutes, opts);
  await app.register(tileRoutes, opts);
  await app.register(downloadRoutes, opts);
  await app.register(meRoutes, opts);
  await app.register(alertRoutes, opts);
  await app.register(screeningRoutes, opts);
  await app.register(germplasmRoutes, opts);
  await app.register(rasterRoutes, opts);
  await app.register(landCoverRoutes, opts);
  // the evaluator dashboard (apps/web) at /
  await app.register(webRoutes, opts);
};

export const apiModule: AppModule = { name: 'api', plugin: apiPlugin, schemas: API_SCHEMAS };
