import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { API_TYPES_FILE, apiTypesSource, describeServer } from '../../apps/web/scripts/api-types';

// The dashboard's types are generated from the server's OpenAPI document (issue 16). This is the
// drift check: the checked-in apps/web/src/api-types.ts must be what the routes declare now; and
// every route of the server declares what it answers, so that the document describes it.

/** Routes that are not the platform's own: the API documentation (swagger-ui) and the dashboard's bundles (@fastify/static). */
const PLUGINS_OWN = (url: string) => url.startsWith('/docs') || url === '/assets/*';

describe("the OpenAPI document and the dashboard's generated types", async () => {
  const { document, routes } = await describeServer();
  const generated = await apiTypesSource(document);

  it('apps/web/src/api-types.ts is what the routes declare (npm run gen:api-types -w @biomon/web regenerates it)', () => {
    const checkedIn = readFileSync(API_TYPES_FILE, 'utf8');
    // not toBe(): a 6,000-line diff says less than the hint
    expect(checkedIn === generated, 'apps/web/src/api-types.ts differs from the OpenAPI document: run `npm run gen:api-types -w @biomon/web`').toBe(true);
  });

  it('a changed response schema changes the generated types (the check above can fail)', async () => {
    const changed = structuredClone(document) as { components: { schemas: Record<string, { properties: Record<string, unknown>; required?: string[] }> } };
    const station = changed.components.schemas.Station;
    delete station.properties.timeZone;
    station.required = station.required?.filter((k) => k !== 'timeZone');
    expect(await apiTypesSource(changed)).not.toBe(generated);
  });

  it('every route declares its response (and the document has them)', () => {
    const own = routes.filter((r) => r.method !== 'HEAD' && !PLUGINS_OWN(r.url));
    const without = own.filter((r) => !r.response).map((r) => `${r.method} ${r.url}`);
    console.log(
      `routes with a response schema: ${own.length - without.length} of ${own.length} (${routes.filter((r) => r.method !== 'HEAD').length} with swagger-ui's and the static files' own)`,
    );
    expect(without, 'routes without a response schema').toEqual([]);
    const paths = document.paths as Record<string, Record<string, { responses?: Record<string, unknown> }>>;
    for (const r of own.filter((x) => !x.hidden)) {
      const op = paths[r.url.replace(/:([A-Za-z]+)/g, '{$1}')]?.[r.method.toLowerCase()];
      expect(
        Object.keys(op?.responses ?? {}).filter((code) => /^2/.test(code)),
        `${r.method} ${r.url}`,
      ).not.toEqual([]);
    }
  });
});
