import { Type } from '@fastify/type-provider-typebox';
import { DateTime, JsonObject, Nullable, ref } from '@biomon/http';
import { EVIDENCE_TYPES } from '@biomon/ledger';

/** Answers of the ledger (责任分工台账) and evidence-file routes. */

const ProgressStatus = Type.Union(['not_started', 'in_progress', 'done', 'blocked'].map((s) => Type.Literal(s)));

export const Timeline = Type.Object(
  {
    kind: Type.Union([Type.Literal('deadline'), Type.Literal('window'), Type.Literal('continuous')]),
    start: Nullable(Type.String({ description: 'first day of a window' })),
    end: Nullable(Type.String({ description: 'last day of a window or the deadline; null for 持续推进' })),
    text: Type.String({ description: 'the 实施时间 cell as written' }),
  },
  { $id: 'Timeline' },
);

export const EvidenceItem = Type.Object({
  title: Type.String(),
  url: Type.Optional(Type.String()),
  fileId: Type.Optional(Type.String()),
  mime: Type.Optional(Type.String()),
  sizeBytes: Type.Optional(Type.Integer()),
  sha256: Type.Optional(Type.String()),
  originalName: Type.Optional(Type.String()),
});

export const Progress = Type.Object(
  {
    id: Type.Integer(),
    taskNo: Type.Integer(),
    status: ProgressStatus,
    statusZh: Type.String(),
    note: Type.String(),
    evidence: Type.Array(EvidenceItem),
    asOf: Type.String(),
    reportedAt: DateTime(),
    department: Nullable(Type.String()),
    reporterRole: Type.String(),
  },
  { $id: 'Progress' },
);

const Link = Type.Object({
  kind: Type.Union([Type.Literal('indicator'), Type.Literal('data')]),
  ref: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
});

const taskFields = {
  no: Type.Integer(),
  section: Type.String(),
  sectionTitle: Type.String(),
  measure: Type.String(),
  measureTitle: Type.String(),
  text: Type.String(),
  departments: Type.Array(Type.String(), { description: '责任部门 as the document lists them' }),
  implementingDepartments: Type.Array(Type.String(), { description: 'departments that implement the task without being listed (各市州人民政府)' }),
  responsibilityNote: Nullable(Type.String()),
  timeline: ref(Timeline),
  status: Nullable(ProgressStatus, { description: 'of the latest report dated on or before asOf; null when there is none' }),
  statusZh: Type.String(),
  latestProgress: Nullable(ref(Progress)),
  overdue: Type.Boolean(),
  daysOverdue: Nullable(Type.Integer()),
  dueNext180Days: Type.Boolean(),
  indicators: Type.Array(Type.String(), { description: 'codes of the linked indicators' }),
  links: Type.Array(Link),
};

export const Task = Type.Object(taskFields, { $id: 'Task' });

export const TaskList = Type.Object({ asOf: Type.String(), count: Type.Integer(), tasks: Type.Array(ref(Task)) });

export const LinkedIndicator = Type.Object({
  code: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  regionCode: Nullable(Type.String()),
  year: Nullable(Type.Integer()),
  value: Nullable(Type.Number()),
  unit: Type.String(),
  target: Nullable(Type.Number()),
  targetText: Type.String(),
  target2035Text: Type.String(),
  meetsTarget: Nullable(Type.Boolean()),
  reason: Nullable(Type.String()),
  runId: Nullable(Type.String()),
});

export const TaskDetail = Type.Object(
  {
    ...taskFields,
    asOf: Type.String(),
    progress: Type.Array(ref(Progress), { description: 'every progress report, newest first' }),
    linkedIndicators: Type.Array(LinkedIndicator),
    linkedData: Type.Array(
      Type.Object({ ref: Type.String(), nameZh: Type.String(), nameEn: Type.String(), figures: Nullable(JsonObject()), note: Nullable(Type.String()) }),
    ),
  },
  { $id: 'TaskDetail' },
);

export const ProgressAnswer = Type.Object({
  progress: ref(Progress),
  task: ref(Task),
  duplicate: Type.Boolean({ description: 'the same token sent the same report before (a retry): nothing new was stored' }),
});

const StatusCounts = Type.Object({
  tasks: Type.Integer(),
  done: Type.Integer(),
  inProgress: Type.Integer(),
  blocked: Type.Integer(),
  notStarted: Type.Integer(),
  notReported: Type.Integer(),
  overdue: Type.Integer(),
  dueNext180Days: Type.Integer(),
});

export const DepartmentSummary = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    kind: Type.String(),
    tasks: Type.Array(
      Type.Object({
        no: Type.Integer(),
        role: Type.Union([Type.Literal('responsible'), Type.Literal('implementing')]),
        status: Nullable(ProgressStatus),
        overdue: Type.Boolean(),
        dueNext180Days: Type.Boolean(),
        timeline: ref(Timeline),
      }),
    ),
    counts: StatusCounts,
    responsibleCounts: StatusCounts,
  },
  { $id: 'DepartmentSummary' },
);

export const DepartmentList = Type.Object({ asOf: Type.String(), dueSoonDays: Type.Integer(), departments: Type.Array(ref(DepartmentSummary)) });

export const EvidenceFile = Type.Object({
  fileId: Type.String(),
  originalName: Type.String(),
  mime: Type.String(),
  sizeBytes: Type.Integer(),
  sha256: Type.String(),
  department: Nullable(Type.String()),
  createdAt: DateTime(),
});

export const LEDGER_SCHEMAS = [Timeline, Progress, Task, TaskDetail, DepartmentSummary];

/** What an evidence file may be (checked by content on upload). */
export const EVIDENCE_MEDIA_TYPES = Object.values(EVIDENCE_TYPES).map((t) => t.mime);
