import type { Tx } from '@biomon/db';
import { raiseAlert, type RaiseResult } from './alert.repository';
import { importsToJudge } from './evaluation.repository';
import { ledgerTasksFor } from './ledger-task.repository';
import { RULE_DEFINITIONS, type RuleConfig } from './rules';

/**
 * Rule 6: an import that failed, or finished with more than the allowed share of its rows
 * rejected (occurrence and event rows together; imports with fewer than `minRows` rows are not
 * judged on their share). Evaluated by the import job when it ends, and by a sweep of imports
 * finished in the last `sweepDays` days. One alert per import, ever.
 */
export async function evaluateImports(
  tx: Tx,
  rule: RuleConfig<'import_problem'>,
  now: Date,
  scope: { importId: string } | { sweep: true },
): Promise<RaiseResult[]> {
  if (!rule.enabled) return [];
  const p = rule.params;
  const rows = await importsToJudge(tx, scope, p, now);
  const tasks = await ledgerTasksFor(tx, RULE_DEFINITIONS.import_problem.ledgerRefs);
  const out: RaiseResult[] = [];
  for (const i of rows.rows) {
    const c = i.counts ?? {};
    const rejected = (c.rejected ?? 0) + (c.events?.rejected ?? 0);
    const stored =
      (c.inserted ?? 0) + (c.updated ?? 0) + (c.unchanged ?? 0) + (c.events?.inserted ?? 0) + (c.events?.updated ?? 0) + (c.events?.unchanged ?? 0);
    const total = Math.max(rejected + stored, i.rows_total ?? 0);
    const share = total > 0 ? rejected / total : 0;
    const failed = i.status === 'failed';
    const mostlyRejected = !failed && total >= p.minRows && share > p.maxRejectedShare;
    if (!failed && !mostlyRejected) continue;
    const pct = Math.round(share * 1000) / 10;
    const r = await raiseAlert(
      tx,
      {
        rule: 'import_problem',
        subjectKey: `import=${i.id}`,
        severity: rule.severity,
        privileged: false,
        titleZh: failed
          ? `导入失败：${i.file_name}${i.error?.message ? `（${i.error.message}）` : ''}`
          : `导入拒收比例过高：${i.file_name} 有 ${rejected}/${total} 行被拒收（${pct}%）`,
        titleEn: failed
          ? `Import failed: ${i.file_name}${i.error?.code ? ` (${i.error.code})` : ''}`
          : `Import mostly rejected: ${i.file_name}, ${rejected} of ${total} rows rejected (${pct} %)`,
        details: {
          import: {
            id: i.id,
            fileName: i.file_name,
            status: i.status,
            format: i.format,
            team: i.team,
            uploadedBy: i.token_label,
            finishedAt: i.finished_at?.toISOString() ?? null,
          },
          problem: failed ? 'failed' : 'rejected_share',
          error: i.error,
          rows: { total, rejected, stored, rejectedShare: Math.round(share * 1e4) / 1e4 },
          threshold: { maxRejectedShare: p.maxRejectedShare, minRows: p.minRows },
          errorsCsv: `/v1/imports/${i.id}/errors.csv`,
          ledgerTasks: tasks,
        },
        regionCode: null,
        regionName: null,
        regionCodes: [],
        taxonId: null,
        cellId: null,
        seenAt: now,
        triggers: [{ key: `import:${i.id}` }],
      },
      'once-per-subject',
    );
    if (r) out.push(r);
  }
  return out;
}
