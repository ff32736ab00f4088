import { sql, type DbOrTx } from '@biomon/db';
import type { AssessmentReport } from './report-types';

export interface ReportRow {
  id: string;
  kind: string;
  year: number;
  regionCode: string;
  asOf: string;
  snapshot: AssessmentReport;
  snapshotSha256: string;
  runIds: string[];
  createdBy: string | null;
  createdByLabel: string;
  createdAt: Date;
}

export interface ReviewRow {
  id: number;
  reportId: string;
  decision: 'approved' | 'returned';
  comment: string;
  reviewedBy: string | null;
  reviewerRole: string;
  reviewerLabel: string;
  reviewedAt: Date;
}

const toReport = (r: {
  id: string;
  kind: string;
  year: number;
  region_code: string;
  as_of: string;
  snapshot: unknown;
  snapshot_sha256: string;
  run_ids: string[];
  created_by: string | null;
  created_by_label: string;
  created_at: Date;
}): ReportRow => ({
  id: r.id,
  kind: r.kind,
  year: r.year,
  regionCode: r.region_code,
  asOf: r.as_of,
  snapshot: r.snapshot as AssessmentReport,
  snapshotSha256: r.snapshot_sha256,
  runIds: r.run_ids,
  createdBy: r.created_by,
  createdByLabel: r.created_by_label,
  createdAt: r.created_at,
});

const toReview = (r: {
  id: number;
  report_id: string;
  decision: string;
  comment: string;
  reviewed_by: string | null;
  reviewer_role: string;
  reviewer_label: string;
  reviewed_at: Date;
}): ReviewRow => ({
  id: r.id,
  reportId: r.report_id,
  decision: r.decision as ReviewRow['decision'],
  comment: r.comment,
  reviewedBy: r.reviewed_by,
  reviewerRole: r.reviewer_role,
  reviewerLabel: r.reviewer_label,
  reviewedAt: r.reviewed_at,
});

export async function insertReport(
  db: DbOrTx,
  row: {
    year: number;
    regionCode: string;
    asOf: string;
    snapshot: AssessmentReport;
    snapshotSha256: string;
    runIds: string[];
    createdBy: string | null;
    createdByLabel: string;
  },
): Promise<string> {
  const r = await db
    .insertInto('reports')
    .values({
      year: row.year,
      region_code: row.regionCode,
      as_of: row.asOf,
      snapshot: JSON.stringify(row.snapshot),
      snapshot_sha256: row.snapshotSha256,
      run_ids: row.runIds,
      created_by: row.createdBy,
      created_by_label: row.createdByLabel,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** The report row; `lock` takes a row lock so reviews of one report are serialised. */
export async function selectReport(db: DbOrTx, id: string, lock = false): Promise<ReportRow | null> {
  let q = db.selectFrom('reports').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  return r ? toReport(r) : null;
}

export async function selectReviews(db: DbOrTx, reportId: string): Promise<ReviewRow[]> {
  const rows = await db.selectFrom('report_reviews').selectAll().where('report_id', '=', reportId).orderBy('reviewed_at').orderBy('id').execute();
  return rows.map(toReview);
}

export async function insertReview(
  db: DbOrTx,
  row: { reportId: string; decision: ReviewRow['decision']; comment: string; reviewedBy: string | null; reviewerRole: string; reviewerLabel: string },
): Promise<ReviewRow> {
  const r = await db
    .insertInto('report_reviews')
    .values({
      report_id: row.reportId,
      decision: row.decision,
      comment: row.comment,
      reviewed_by: row.reviewedBy,
      reviewer_role: row.reviewerRole,
      reviewer_label: row.reviewerLabel,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toReview(r);
}

export interface ReportListRow {
  id: string;
  year: number;
  regionCode: string;
  asOf: string;
  createdAt: Date;
  createdByLabel: string;
  snapshotSha256: string;
  decisions: string[];
}

export async function listReports(db: DbOrTx, f: { year?: number; region?: string; limit: number }): Promise<ReportListRow[]> {
  const r = await sql<{
    id: string;
    year: number;
    region_code: string;
    as_of: string;
    created_at: Date;
    created_by_label: string;
    snapshot_sha256: string;
    decisions: string[] | null;
  }>`
    SELECT r.id, r.year, r.region_code, r.as_of, r.created_at, r.created_by_label, r.snapshot_sha256,
           (SELECT array_agg(v.decision ORDER BY v.reviewed_at, v.id) FROM report_reviews v WHERE v.report_id = r.id) AS decisions
    FROM reports r
    WHERE true ${f.year !== undefined ? sql`AND r.year = ${f.year}` : sql``} ${f.region !== undefined ? sql`AND r.region_code = ${f.region}` : sql``}
    ORDER BY r.created_at DESC, r.id
    LIMIT ${f.limit}`.execute(db);
  return r.rows.map((x) => ({
    id: x.id,
    year: x.year,
    regionCode: x.region_code,
    asOf: x.as_of,
    createdAt: x.created_at,
    createdByLabel: x.created_by_label,
    snapshotSha256: x.snapshot_sha256,
    decisions: x.decisions ?? [],
  }));
}
