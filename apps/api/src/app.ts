import type { FastifyPluginAsync } from 'fastify';
import type { AppContext, AppModule } from '@biomon/http';
import { taxaRoutes } from './routes/taxa.routes';
import { occurrenceReadRoutes } from './routes/occurrences.routes';

/** The read and management path: queries, layers, indicators, ledger, reports, exports. */
const apiPlugin: FastifyPluginAsync<{ ctx: AppContext }> = async (app, opts) => {
  await app.register(taxaRoutes, opts);
  await app.register(occurrenceReadRoutes, opts);
};

export const apiModule: AppModule = { name: 'api', plugin: apiPlugin };
