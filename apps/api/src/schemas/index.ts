import type { TSchema } from '@fastify/type-provider-typebox';
import { ALERT_SCHEMAS } from './alerts.schemas';
import { INDICATOR_SCHEMAS } from './indicators.schemas';
import { LAYER_SCHEMAS } from './layers.schemas';
import { LAND_COVER_SCHEMAS } from './land-cover.schemas';
import { LEDGER_SCHEMAS } from './ledger.schemas';
import { OCCURRENCE_SCHEMAS } from './occurrences.schemas';
import { OPENDATA_SCHEMAS } from './opendata.schemas';
import { REPORT_SCHEMAS } from './reports.schemas';
import { STATION_SCHEMAS } from './stations.schemas';
import { SYSTEM_SCHEMAS } from './system.schemas';
import { GERMPLASM_SCHEMAS } from './germplasm.schemas';

/**
 * The api's response schemas, one module per area, imported by its routes. Those with an `$id`
 * are listed here: buildServer adds them at the root (apiModule.schemas), so that routes reference
 * them (`ref(Station)`) and /openapi.json names them in its components — the names the dashboard's
 * generated types use (apps/web/src/api-types.ts).
 */
export const API_SCHEMAS: TSchema[] = [
  ...SYSTEM_SCHEMAS,
  ...OCCURRENCE_SCHEMAS,
  ...STATION_SCHEMAS,
  ...LAYER_SCHEMAS,
  ...INDICATOR_SCHEMAS,
  ...LAND_COVER_SCHEMAS,
  ...LEDGER_SCHEMAS,
  ...REPORT_SCHEMAS,
  ...ALERT_SCHEMAS,
  ...OPENDATA_SCHEMAS,
  ...GERMPLASM_SCHEMAS,
];
