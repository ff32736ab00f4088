import type {} from '@fastify/swagger';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { loadConfig } from '@biomon/config';
import { createDb } from '@biomon/db';
import { buildServer, type RouteInfo } from '@biomon/http';
import type { AppContext } from '@biomon/runtime';
import { apiModule } from '@biomon/api';
import { ingestModule } from '@biomon/ingest';

/** The checked-in types of the API, generated from its OpenAPI document: the dashboard imports these. */
export const API_TYPES_FILE = fileURLToPath(new URL('../src/api-types.ts', import.meta.url));

const HEADER = `// Generated from the API's OpenAPI document (/openapi.json) by apps/web/scripts/gen-api-types.ts
// with openapi-typescript. Do not edit: change the routes' schemas, then
//   npm run gen:api-types -w @biomon/web
// (npm run build:web fails while this file differs from what the routes declare).
`;

/**
 * The OpenAPI document of the combined server (ingest + api, as `npm start` serves it at
 * /openapi.json), built without a database or Redis: routes are registered and described, no
 * request is served, so nothing is ever connected. What the server would need at request time
 * throws if touched here.
 */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  return (await describeServer()).document;
}

/** The OpenAPI document and the route table (with which routes declare a response schema). */
export async function describeServer(): Promise<{ document: Record<string, unknown>; routes: RouteInfo[] }> {
  const config = loadConfig({}, { logLevel: 'silent' });
  const dbHandle = createDb(config.databaseUrl, { max: 1, applicationName: 'biomon-openapi' }); // a pool that never connects unless queried
  const offline = (what: string) => () => {
    throw new Error(`the OpenAPI document is built without ${what}`);
  };
  const ctx = {
    config,
    db: dbHandle.db,
    dbHandle,
    redis: new Proxy({}, { get: offline('Redis') }),
    queues: new Map(),
    cursors: offline('the database'),
    close: async () => {},
  } as unknown as AppContext;
  const app = await buildServer({ ctx, apps: [ingestModule, apiModule] });
  try {
    await app.ready();
    return { document: app.swagger() as unknown as Record<string, unknown>, routes: [...app.routeList] };
  } finally {
    await app.close();
    await dbHandle.close();
  }
}

/** The TypeScript of apps/web/src/api-types.ts for an OpenAPI document. */
export async function apiTypesSource(doc: Record<string, unknown>): Promise<string> {
  const ast = await openapiTS(doc as unknown as Parameters<typeof openapiTS>[0], { alphabetize: false, exportType: false });
  return `${HEADER}\n${astToString(ast)}`;
}

/** The types as the routes declare them now. */
export async function generateApiTypes(): Promise<string> {
  return apiTypesSource(await openApiDocument());
}
