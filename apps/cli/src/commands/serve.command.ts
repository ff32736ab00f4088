import type { Config } from '@biomon/config';
import { buildServer } from '@biomon/http';
import { createContext } from '@biomon/runtime';
import { listenUntilSignal } from '@biomon/http/listen';
import { apiModule } from '@biomon/api';
import { ingestModule } from '@biomon/ingest';

/** Local layout: ingest and api under one origin (PORT), one /health, one OpenAPI document. */
export async function serveCommand(config: Config): Promise<number> {
  const ctx = createContext(config, { applicationName: 'biomon-server' });
  const app = await buildServer({ ctx, apps: [ingestModule, apiModule] });
  await listenUntilSignal(app, ctx, config.port);
  return -1; // keeps running until a signal
}
