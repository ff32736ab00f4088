import type {} from '@fastify/swagger';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError } from '@biomon/core';
import type { AppContext } from '@biomon/runtime';
import {
  buildAssessmentReport,
  freezeReport,
  frozenMeta,
  getFrozenReport,
  listFrozenReports,
  renderAssessmentCsv,
  renderAssessmentHtml,
  reviewReport,
  type AssessmentReport,
  type FrozenMeta,
} from '@biomon/reports';
import { actorOf } from '@biomon/auth';
import { errorResponses, ref } from '@biomon/http';
import { FrozenReport, FrozenReportList, ReviewedReport, assessmentResponse, frozenReportResponse } from '../schemas/reports.schemas';

const DATE = '^\\d{4}-\\d{2}-\\d{2}$';
const Format = Type.Optional(
  Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('html')], {
    description: 'json (default), csv (UTF-8 with BOM, for Excel) or html (printable A4 page)',
  }),
);
const ReportQuery = {
  year: Type.Optional(Type.Integer({ minimum: 1990, maximum: 2100, description: 'default: the newest year with a completed run for the region' })),
  region: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, description: 'region code; default the province (level province of the newest regions dataset)' }),
  ),
  asOf: Type.Optional(Type.String({ pattern: DATE, description: "the ledger's date for overdue tasks (default today, Asia/Shanghai)" })),
};

/** The HTML is self-contained (inline CSS and SVG): nothing else may load. */
const HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:";

function send(reply: FastifyReply, report: AssessmentReport, format: 'json' | 'csv' | 'html' | undefined, name: string, meta?: FrozenMeta, json?: unknown) {
  if (format === 'csv') {
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(renderAssessmentCsv(report));
  }
  if (format === 'html') {
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', HTML_CSP)
      .header('x-content-type-options', 'nosniff')
      .send(renderAssessmentHtml(report, meta));
  }
  return reply.send(json ?? report);
}

/** Evaluator reports (评估报告): the live assessment (public) and frozen, signed-off snapshots (evaluator). */
export const reportRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/v1/reports/assessment',
    {
      schema: {
        summary:
          'The assessment report (评估报告), built now: targets with value, gap and met / not met, per prefecture and priority area, ledger, data coverage, provenance',
        description:
          "format=json|csv|html. Values come from the latest completed indicator run per indicator, region and year; targets without a number show the seed's Chinese wording.",
        tags: ['api'],
        querystring: Type.Object({ ...ReportQuery, format: Format }, { additionalProperties: false }),
        response: { 200: assessmentResponse, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { format, ...q } = req.query;
      const report = await buildAssessmentReport(ctx.dbRead, q);
      reply.header('cache-control', 'no-store');
      return send(reply, report, format, `assessment-${report.region.code}-${report.year}`);
    },
  );

  r.post(
    '/v1/reports',
    {
      schema: {
        summary: 'Freeze an assessment report (冻结报告): an immutable snapshot with its run ids — 201',
        tags: ['api'],
        security: [{ bearer: [] }],
        body: Type.Object(ReportQuery, { additionalProperties: false }),
        response: { 201: ref(FrozenReport), ...errorResponses },
      },
      // an empty POST freezes the default report (province, newest year, today)
      preValidation: async (req) => {
        if (req.body === undefined) (req as { body: unknown }).body = {};
      },
    },
    async (req, reply) => {
      const out = await freezeReport(ctx.db, req.body ?? {}, actorOf(req.principal), 'POST /v1/reports');
      return reply.status(201).header('location', `/v1/reports/${out.reportId}`).send(out);
    },
  );

  r.get(
    '/v1/reports',
    {
      schema: {
        summary: 'Frozen reports, newest first, with their review status',
        tags: ['api'],
        security: [{ bearer: [] }],
        querystring: Type.Object(
          {
            year: Type.Optional(Type.Integer({ minimum: 1990, maximum: 2100 })),
            region: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: FrozenReportList, ...errorResponses },
      },
    },
    async (req) => ({ reports: await listFrozenReports(ctx.dbRead, req.query) }),
  );

  r.get(
    '/v1/reports/:id',
    {
      schema: {
        summary: 'A frozen report exactly as it was frozen (format=json|csv|html), with its sign-off',
        tags: ['api'],
        security: [{ bearer: [] }],
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        querystring: Type.Object({ format: Format }, { additionalProperties: false }),
        response: { 200: frozenReportResponse, ...errorResponses },
      },
    },
    async (req, reply) => {
      const f = await getFrozenReport(ctx.db, req.params.id);
      if (!f) throw new AppError('NOT_FOUND', `No report ${req.params.id}`);
      return send(reply, f.report, req.query.format, `report-${f.reportId}`, frozenMeta(f), f);
    },
  );

  r.post(
    '/v1/reports/:id/review',
    {
      schema: {
        summary: 'Sign off a frozen report (审核): approved or returned (returned needs a comment and is final)',
        tags: ['api'],
        security: [{ bearer: [] }],
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        body: Type.Object(
          {
            decision: Type.Union([Type.Literal('approved'), Type.Literal('returned')]),
            comment: Type.Optional(Type.String({ maxLength: 4000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: ReviewedReport, 201: ReviewedReport, ...errorResponses },
      },
    },
    async (req, reply) => {
      const out = await reviewReport(ctx.db, req.params.id, req.body, actorOf(req.principal), 'POST /v1/reports/{id}/review');
      return reply.status(out.duplicate ? 200 : 201).send(out);
    },
  );
};
