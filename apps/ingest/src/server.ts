import { loadConfig } from '@biomon/config';
import { buildServer } from '@biomon/http';
import { createContext } from '@biomon/runtime';
import { listenUntilSignal } from '@biomon/http/listen';
import { ingestModule } from './app';

/** Runs the ingest app alone on INGEST_PORT (production layout: one process per app). */
const config = loadConfig();
const ctx = createContext(config, { applicationName: 'biomon-ingest' });
const app = await buildServer({ ctx, apps: [ingestModule] });
await listenUntilSignal(app, ctx, config.ingestPort);
