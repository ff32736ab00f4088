import type { Role } from './token';

/** 'public': anyone, token optional. Otherwise the roles allowed; admin may call every route. */
export type Access = 'public' | Role[];

const ANY_TOKEN: Role[] = ['surveyor', 'station', 'evaluator', 'department'];
const ADMIN_ONLY: Role[] = [];

/**
 * The authorisation matrix (BRIEF §8): route × role → allowed, in one place. Keys are
 * "METHOD /path" exactly as registered (fastify's `:param` syntax); HEAD follows GET.
 * A route missing here is refused to everyone but admin, and tests/integration/security/
 * access-matrix.test.ts fails for it — so a new route cannot ship without a rule.
 * Scope rules inside a role (a surveyor's team, a station's own station, a department's own
 * tasks) are enforced by the services and answer 403 with `details.reason: 'scope'`.
 */
export const ACCESS_MATRIX: Record<string, Access> = {
  // system
  'GET /health': 'public',
  'GET /openapi.json': 'public',
  'GET /docs': 'public',
  'GET /docs/static/*': 'public',
  'GET /docs/json': 'public',
  'GET /docs/yaml': 'public',
  'GET /docs/static/index.html': 'public',
  'GET /docs/static/swagger-initializer.js': 'public',
  'GET /v1/audit': ADMIN_ONLY,
  'GET /v1/me': ANY_TOKEN,

  // the evaluator dashboard (apps/web, static build): the page and its hashed bundles
  'GET /': 'public',
  'GET /assets/*': 'public',

  // checklist
  'GET /v1/taxa': ANY_TOKEN,

  // survey ingest and reads
  'POST /v1/occurrences': ['surveyor', 'station'],
  'POST /v1/survey-events': ['surveyor', 'station'],
  'GET /v1/occurrences': 'public',
  'GET /v1/occurrences/:occurrenceID': 'public',
  'POST /v1/occurrences/:occurrenceID/review': ['evaluator'],
  // department: MCPD germplasm files only (checked on the file's header)
  'POST /v1/imports': ['surveyor', 'station', 'department'],
  'GET /v1/imports/template.csv': 'public',
  'GET /v1/imports/template.xlsx': 'public',
  'GET /v1/imports/:id': ['surveyor', 'station', 'evaluator', 'department'],
  'GET /v1/imports/:id/errors.csv': ['surveyor', 'station', 'evaluator', 'department'],
  'PUT /v1/import-mappings/:name': ['surveyor', 'station'],
  'GET /v1/import-mappings': ['surveyor', 'station'],
  'GET /v1/import-mappings/:name': ['surveyor', 'station'],

  // stations
  'POST /v1/stations': ADMIN_ONLY,
  'PATCH /v1/stations/:id': ADMIN_ONLY,
  'POST /v1/stations/:id/token': ADMIN_ONLY,
  'POST /v1/stations/:id/observations': ['station'],
  'GET /v1/stations': ['evaluator', 'station', 'department'],
  'GET /v1/stations/:id': ['evaluator', 'station', 'department'],
  'GET /v1/stations/:id/health': ['evaluator', 'station', 'department'],
  'GET /v1/datastreams/:id/observations': ['evaluator', 'station', 'department'],

  // layers and indicators
  'POST /v1/layers/:kind': ADMIN_ONLY,
  'GET /v1/layers': 'public',
  'GET /v1/layers/:datasetId': 'public',
  'GET /v1/layers/:datasetId/features': 'public',
  'GET /v1/indicators': 'public',
  'GET /v1/indicators/:code/values': 'public',
  'GET /v1/land-cover/change': 'public',
  'GET /v1/land-cover/change/areas': 'public',
  'POST /v1/indicator-runs': ['evaluator'],
  'GET /v1/indicator-runs/:runId': 'public',

  // remote sensing rasters (issue 18): uploads by evaluators (and admins); metadata and zonal
  // statistics are public like indicator values (rasters hold no occurrence data)
  'POST /v1/rasters/:kind': ['evaluator'],
  'GET /v1/rasters': 'public',
  'GET /v1/rasters/:id': 'public',
  'GET /v1/rasters/:id/zonal': 'public',
  'GET /tiles/rasters/:id/:z/:x/:y.png': 'public',
  'GET /tiles/rasters/:id/legend.json': 'public',

  // ledger (责任分工台账), evidence files and reports
  'GET /v1/ledger/tasks': 'public',
  'GET /v1/ledger/tasks/:no': 'public',
  'GET /v1/ledger/departments': 'public',
  'POST /v1/ledger/tasks/:no/progress': ['department'],
  'POST /v1/files': ['department'],
  'GET /v1/files/:id': ANY_TOKEN,
  'GET /v1/reports/assessment': 'public',
  'GET /v1/reports': ['evaluator'],
  'POST /v1/reports': ['evaluator'],
  'GET /v1/reports/:id': ['evaluator'],
  'POST /v1/reports/:id/review': ['evaluator'],

  // open data: Darwin Core Archive exports (requester or admin), OGC API – Features, vector tiles,
  // streamed downloads; /ogc/** and /tiles/** are public and generalised without a token
  'POST /v1/exports/dwca': ANY_TOKEN,
  'GET /v1/exports/:id': ANY_TOKEN,
  'GET /v1/exports/:id/download': ANY_TOKEN,
  'GET /ogc': 'public',
  'GET /ogc/api': 'public',
  'GET /ogc/conformance': 'public',
  'GET /ogc/collections': 'public',
  'GET /ogc/collections/:collectionId': 'public',
  'GET /ogc/collections/:collectionId/items': 'public',
  'GET /ogc/collections/:collectionId/items/:featureId': 'public',
  'GET /tiles': 'public',
  'GET /tiles/:layer/tilejson.json': 'public',
  'GET /tiles/:layer/:z/:x/:y.mvt': 'public',
  'GET /v1/downloads/occurrences': 'public',
  'GET /v1/downloads/observations': ['evaluator', 'station', 'department'],
  'GET /v1/downloads/layers/:datasetId': 'public',
  'GET /v1/downloads/indicator-results': 'public',

  // alerts and early warning (预警): every token reads (sensitive-species alerts only evaluator and
  // admin, filtered in the service); evaluators acknowledge and resolve; admins configure rules and webhooks
  'GET /v1/alerts': ANY_TOKEN,
  'GET /v1/alerts/:id': ANY_TOKEN,
  'POST /v1/alerts/:id/ack': ['evaluator'],
  'POST /v1/alerts/:id/resolve': ['evaluator'],
  'GET /v1/alert-rules': ['evaluator'],
  'PUT /v1/alert-rules': ADMIN_ONLY,
  'POST /v1/webhooks': ADMIN_ONLY,
  'GET /v1/webhooks': ADMIN_ONLY,
  'DELETE /v1/webhooks/:id': ADMIN_ONLY,
  'POST /v1/webhooks/:id/test': ADMIN_ONLY,
  'GET /v1/webhooks/:id/dead-letters': ADMIN_ONLY,

  // project impact screening (task 29): surveyors, departments and evaluators screen footprints and
  // read their own team's / department's screenings (evaluators all, in the service); sensitive
  // species below evaluator by 10 km cell band only (@biomon/sensitive screening-read.ts)
  'POST /v1/screenings': ['surveyor', 'department', 'evaluator'],
  'POST /v1/screenings/:id/rerun': ['surveyor', 'department', 'evaluator'],
  'GET /v1/screenings/:id': ['surveyor', 'department', 'evaluator'],
  'GET /v1/screenings/:id/report.html': ['surveyor', 'department', 'evaluator'],

  // genetic resources and germplasm registry (MCPD v2.1): reads public (sensitive collecting sites
  // generalised), writes by departments (and admin); MCPD files also through POST /v1/imports
  'GET /v1/germplasm/institutions': 'public',
  'POST /v1/germplasm/institutions': ['department'],
  'GET /v1/germplasm/accessions': 'public',
  'GET /v1/germplasm/accessions/export': 'public',
  'POST /v1/germplasm/accessions': ['department'],
};

/** The rule for a registered route, or undefined when it has none. */
export function accessFor(method: string, url: string): Access | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  return ACCESS_MATRIX[`${m} ${url}`];
}
