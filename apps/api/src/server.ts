import { loadConfig } from '@biomon/config';
import { buildServer } from '@biomon/http';
import { createContext } from '@biomon/runtime';
import { apiModule } from './app';
import { listenUntilSignal } from '@biomon/http/listen';

/** Runs the api app alone on API_PORT (production layout: one process per app). */
const config = loadConfig();
const ctx = createContext(config, { applicationName: 'biomon-api' });
const app = await buildServer({ ctx, apps: [apiModule] });
await listenUntilSignal(app, ctx, config.apiPort);
