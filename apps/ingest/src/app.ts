import type { FastifyPluginAsync } from 'fastify';
import type { AppContext, AppModule } from '@biomon/http';

/** The write path for survey teams and stations: uploads, pushes, file imports. Scales on its own. */
const ingestPlugin: FastifyPluginAsync<{ ctx: AppContext }> = async () => {
  // Routes are added by the survey-ingest and station-ingest work.
};

export const ingestModule: AppModule = { name: 'ingest', plugin: ingestPlugin };
