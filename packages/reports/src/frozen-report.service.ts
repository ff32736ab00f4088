import { createHash } from 'node:crypto';
import type { Db, DbOrTx } from '@biomon/db';
import { AppError } from '@biomon/core';
import { writeAudit, type Actor } from '@biomon/auth';
import { buildAssessmentReport, type AssessmentQuery } from './assessment.service';
import { insertReport, insertReview, listReports, selectReport, selectReviews, type ReportRow, type ReviewRow } from './frozen-report.repository';
import type { AssessmentReport } from './report-types';
import type { FrozenMeta } from './report-html';

export type ReviewStatus = 'pending' | 'approved' | 'returned';

export interface ReviewOut {
  id: number;
  decision: 'approved' | 'returned';
  comment: string;
  reviewer: string;
  reviewerRole: string;
  /** the reviewer's token also froze the report */
  selfReview: boolean;
  reviewedAt: string;
}

export interface FrozenReportOut {
  reportId: string;
  kind: string;
  year: number;
  regionCode: string;
  asOf: string;
  createdAt: string;
  createdBy: string;
  /** SHA-256 of the snapshot's canonical JSON (keys sorted): verifies the snapshot never changed */
  snapshotSha256: string;
  runIds: string[];
  review: { status: ReviewStatus; reviews: ReviewOut[] };
  /** the report exactly as it was frozen */
  report: AssessmentReport;
}

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
}

export const snapshotHash = (report: AssessmentReport): string => createHash('sha256').update(canonicalJson(report), 'utf8').digest('hex');

/** Returned is final (a new report must be frozen); otherwise the latest decision, or pending. */
export function reviewStatus(reviews: Pick<ReviewRow, 'decision'>[]): ReviewStatus {
  if (reviews.some((r) => r.decision === 'returned')) return 'returned';
  return reviews.length ? 'approved' : 'pending';
}

function out(r: ReportRow, reviews: ReviewRow[]): FrozenReportOut {
  return {
    reportId: r.id,
    kind: r.kind,
    year: r.year,
    regionCode: r.regionCode,
    asOf: r.asOf,
    createdAt: r.createdAt.toISOString(),
    createdBy: r.createdByLabel,
    snapshotSha256: r.snapshotSha256,
    runIds: r.runIds,
    review: {
      status: reviewStatus(reviews),
      reviews: reviews.map((v) => ({
        id: v.id,
        decision: v.decision,
        comment: v.comment,
        reviewer: v.reviewerLabel,
        reviewerRole: v.reviewerRole,
        selfReview: v.reviewedBy !== null && v.reviewedBy === r.createdBy,
        reviewedAt: v.reviewedAt.toISOString(),
      })),
    },
    report: r.snapshot,
  };
}

/** What the HTML view of a frozen report shows about it. */
export function frozenMeta(f: FrozenReportOut): FrozenMeta {
  return {
    reportId: f.reportId,
    createdAt: f.createdAt,
    createdBy: f.createdBy,
    snapshotSha256: f.snapshotSha256,
    reviewStatus: f.review.status,
    reviews: f.review.reviews.map((v) => ({
      decision: v.decision,
      comment: v.comment,
      reviewer: `${v.reviewer}${v.selfReview ? '（本人审核 self-review）' : ''}`,
      reviewerRole: v.reviewerRole,
      reviewedAt: v.reviewedAt,
    })),
  };
}

/**
 * POST /v1/reports: builds the assessment report and stores it as an immutable snapshot with the
 * indicator runs it used — in one REPEATABLE READ transaction, so the snapshot is one consistent
 * view of the database — with its audit entry. GET /v1/reports/{id} returns it unchanged forever
 * (UPDATE and DELETE on reports are refused by a trigger), whatever runs come later.
 */
export async function freezeReport(db: Db, q: AssessmentQuery, actor: Pick<Actor, 'tokenId' | 'role' | 'label'>, route: string): Promise<FrozenReportOut> {
  const id = await db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (tx) => {
      const report = await buildAssessmentReport(tx, q);
      const sha = snapshotHash(report);
      const reportId = await insertReport(tx, {
        year: report.year,
        regionCode: report.region.code,
        asOf: report.asOf,
        snapshot: report,
        snapshotSha256: sha,
        runIds: report.provenance.runIds,
        createdBy: actor.tokenId,
        createdByLabel: actor.label,
      });
      await writeAudit(tx, actor, {
        action: 'reports.freeze',
        entity: 'report',
        entityIds: [reportId],
        route,
        summary: { year: report.year, region: report.region.code, asOf: report.asOf, runIds: report.provenance.runIds, snapshotSha256: sha },
      });
      return reportId;
    });
  return (await getFrozenReport(db, id))!;
}

export async function getFrozenReport(db: DbOrTx, id: string): Promise<FrozenReportOut | null> {
  const r = await selectReport(db, id);
  if (!r) return null;
  return out(r, await selectReviews(db, id));
}

/**
 * POST /v1/reports/{id}/review: appends a sign-off (approved | returned). Returning needs a comment
 * (the reason); a returned report is final — the evaluator freezes a new one — so further reviews
 * are refused (409). Approvals may be added by several reviewers (co-signing). The same review sent
 * again by the same token (a retry) records nothing new and answers `duplicate: true`.
 */
export async function reviewReport(
  db: Db,
  id: string,
  input: { decision: 'approved' | 'returned'; comment?: string },
  actor: Pick<Actor, 'tokenId' | 'role' | 'label'>,
  route: string,
): Promise<FrozenReportOut & { duplicate: boolean }> {
  const comment = (input.comment ?? '').trim();
  if (input.decision === 'returned' && !comment) {
    throw new AppError('VALIDATION_FAILED', 'a returned report needs a comment saying why', {
      errors: [{ field: 'comment', code: 'COMMENT_REQUIRED', message: 'say why the report is returned' }],
    });
  }
  const duplicate = await db.transaction().execute(async (tx) => {
    const report = await selectReport(tx, id, true);
    if (!report) throw new AppError('NOT_FOUND', `No report ${id}`);
    const reviews = await selectReviews(tx, id);
    // a retry: the same reviewer's latest review says the same → nothing new to record
    const mine = reviews.filter((v) => actor.tokenId !== null && v.reviewedBy === actor.tokenId);
    const last = mine[mine.length - 1];
    if (last && last.decision === input.decision && last.comment === comment) return true;
    if (reviewStatus(reviews) === 'returned')
      throw new AppError('CONFLICT', `Report ${id} was returned; freeze a new report instead of reviewing this one again`);
    const review = await insertReview(tx, {
      reportId: id,
      decision: input.decision,
      comment,
      reviewedBy: actor.tokenId,
      reviewerRole: actor.role,
      reviewerLabel: actor.label,
    });
    await writeAudit(tx, actor, {
      action: 'reports.review',
      entity: 'report',
      entityIds: [id],
      route,
      summary: { reviewId: review.id, decision: input.decision, comment },
    });
    return false;
  });
  return { ...(await getFrozenReport(db, id))!, duplicate };
}

export async function listFrozenReports(db: DbOrTx, f: { year?: number; region?: string; limit?: number }) {
  const rows = await listReports(db, { ...f, limit: Math.min(f.limit ?? 100, 500) });
  return rows.map((r) => ({
    reportId: r.id,
    year: r.year,
    regionCode: r.regionCode,
    asOf: r.asOf,
    createdAt: r.createdAt.toISOString(),
    createdBy: r.createdByLabel,
    snapshotSha256: r.snapshotSha256,
    reviewStatus: reviewStatus(r.decisions.map((d) => ({ decision: d as 'approved' | 'returned' }))),
  }));
}
