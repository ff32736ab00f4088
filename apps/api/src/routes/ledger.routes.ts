import type {} from '@fastify/swagger';
import type { FastifyPluginAsync } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppContext } from '@biomon/runtime';
import { actorOf } from '@biomon/auth';
import { PROGRESS_STATUSES, departmentSummaries, getTask, listTasks, reportProgress } from '@biomon/ledger';
import { errorResponses, ref } from '@biomon/http';
import { DepartmentList, ProgressAnswer, TaskDetail, TaskList } from '../schemas/ledger.schemas';

const DATE = '^\\d{4}-\\d{2}-\\d{2}$';
const AsOf = Type.Optional(Type.String({ pattern: DATE, description: 'the date the question is asked for (YYYY-MM-DD, Asia/Shanghai); default today' }));

/** The ledger (责任分工台账): tasks, their progress, and departments. Reads are public. */
export const ledgerRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/v1/ledger/tasks',
    {
      schema: {
        summary: 'Ledger tasks (责任分工台账任务): all matching tasks in one response, with status and overdue flag as of a date',
        description:
          "Overdue: the task's deadline or window has ended before asOf and its latest progress report dated on or before asOf is not `done`; `持续推进` tasks are never overdue. " +
          '`department` matches a responsible or implementing department (name or id); `dueBefore` keeps tasks whose deadline or window ends on or before that date; `status=not_reported` keeps tasks without a report.',
        tags: ['api'],
        querystring: Type.Object(
          {
            department: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'e.g. 省林草局, or the department id' })),
            section: Type.Optional(Type.String({ minLength: 1, maxLength: 10, description: '主要任务: 二 … 七' })),
            measure: Type.Optional(Type.String({ minLength: 1, maxLength: 12, description: '措施: 三 … 二十一, with or without brackets' })),
            status: Type.Optional(Type.Union([...PROGRESS_STATUSES, 'not_reported'].map((s) => Type.Literal(s)))),
            overdue: Type.Optional(Type.Boolean()),
            dueBefore: Type.Optional(Type.String({ pattern: DATE })),
            asOf: AsOf,
          },
          { additionalProperties: false },
        ),
        response: { 200: TaskList, ...errorResponses },
      },
    },
    async (req) => listTasks(ctx.dbRead, req.query),
  );

  r.get(
    '/v1/ledger/tasks/:no',
    {
      schema: {
        summary: 'One ledger task with its progress history and, per linked indicator, the latest value, the target and whether it is met',
        tags: ['api'],
        params: Type.Object({ no: Type.Integer({ minimum: 1, maximum: 999 }) }),
        querystring: Type.Object({ asOf: AsOf }, { additionalProperties: false }),
        response: { 200: ref(TaskDetail), ...errorResponses },
      },
    },
    async (req) => getTask(ctx.db, req.params.no, req.query),
  );

  r.post(
    '/v1/ledger/tasks/:no/progress',
    {
      schema: {
        summary: 'Report progress on a task (报送进展): append-only; the latest report (by asOf) gives the status',
        description:
          'A department token reports only on tasks its department is linked to, as a listed 责任部门 or as an implementing department ' +
          '(各市州人民政府 implements every task); admin on any task. Evidence: links (http/https) or files uploaded first with POST /v1/files by the same department. ' +
          'asOf (default today, Asia/Shanghai) may be in the past, never in the future. 201 when stored; 200 with `duplicate: true` when the same token sends the same report again (a retry).',
        tags: ['api'],
        security: [{ bearer: [] }],
        params: Type.Object({ no: Type.Integer({ minimum: 1, maximum: 999 }) }),
        body: Type.Object(
          {
            status: Type.Union(PROGRESS_STATUSES.map((s) => Type.Literal(s))),
            note: Type.Optional(Type.String({ maxLength: 4000 })),
            evidence: Type.Optional(
              Type.Array(
                Type.Union([
                  Type.Object(
                    { title: Type.String({ minLength: 1, maxLength: 300 }), url: Type.String({ minLength: 1, maxLength: 2000 }) },
                    { additionalProperties: false },
                  ),
                  Type.Object(
                    { title: Type.String({ minLength: 1, maxLength: 300 }), fileId: Type.String({ format: 'uuid' }) },
                    { additionalProperties: false },
                  ),
                ]),
                { maxItems: 20 },
              ),
            ),
            asOf: Type.Optional(Type.String({ pattern: DATE })),
          },
          { additionalProperties: false },
        ),
        response: { 200: ProgressAnswer, 201: ProgressAnswer, ...errorResponses },
      },
    },
    async (req, reply) => {
      const out = await reportProgress(ctx.db, req.params.no, req.body, actorOf(req.principal), 'POST /v1/ledger/tasks/{no}/progress');
      return reply.status(out.duplicate ? 200 : 201).send(out);
    },
  );

  r.get(
    '/v1/ledger/departments',
    {
      schema: {
        summary: 'Departments (责任部门) with their tasks and how many are done, in progress, overdue and due in the next 180 days',
        description:
          '`counts` covers every task a department is linked to (responsible or implementing); `responsibleCounts` only those it is a listed 责任部门 of.',
        tags: ['api'],
        querystring: Type.Object({ asOf: AsOf }, { additionalProperties: false }),
        response: { 200: DepartmentList, ...errorResponses },
      },
    },
    async (req) => departmentSummaries(ctx.dbRead, req.query),
  );
};
