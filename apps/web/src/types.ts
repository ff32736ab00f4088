// Shapes of the API answers the dashboard reads, by the names the views use. They are the API's own
// response schemas: ./api-types.ts is generated from /openapi.json (apps/web/scripts/gen-api-types.ts)
// and checked by the web build and by tests/unit/openapi-types.test.ts, so a changed answer changes
// these types and the views that read it fail to compile.
import type { components, paths } from './api-types';

type Schemas = components['schemas'];

/** The JSON body of a route's answer: `Answer<'/v1/ledger/tasks', 'get'>`. */
export type Answer<P extends keyof paths, M extends 'get' | 'post' | 'put' | 'patch' | 'delete', S extends number = 200> = paths[P][M] extends {
  responses: { [K in S]: { content: { 'application/json': infer T } } };
}
  ? T
  : never;

export type IndicatorDef = Schemas['IndicatorDefinition'];
export type IndicatorValue = Schemas['IndicatorResult'];
export type ReportRegion = Schemas['ReportRegion'];
export type CoverageRow = Schemas['CoverageRow'];
export type AssessmentReport = Schemas['AssessmentReport'];
export type Timeline = Schemas['Timeline'];
export type Progress = Schemas['Progress'];
export type Task = Schemas['Task'];
export type TaskDetail = Schemas['TaskDetail'];
export type DepartmentSummary = Schemas['DepartmentSummary'];
export type Datastream = Schemas['Datastream'];
export type Station = Schemas['Station'];
export type StationHealth = Schemas['StationHealth'];
export type Gap = NonNullable<StationHealth['datastreams'][number]['gaps']>[number];
export type ImportStatus = Schemas['ImportStatus'];
export type ColumnMapping = NonNullable<ImportStatus['columns']>[number]['columns'][number];
export type ImportMapping = Schemas['ImportMapping'];
export type LayerDataset = Schemas['LayerDataset'];
export type GermplasmInstitution = Schemas['GermplasmInstitution'];
export type GermplasmAccession = Schemas['GermplasmAccession'];
