import type { Logger } from 'pino';
import { EVALUATE_JOB, SCHEDULE_GROUPS, SWEEP_JOB, type ScheduleGroup } from '@biomon/alerts';
import type { AppContext } from '@biomon/runtime';
import { QUEUES } from '@biomon/queue';

/**
 * The alert checks that no arriving data triggers — silence, gaps, deadlines, declines, the
 * import sweep — as bullmq job schedulers (repeatable jobs), one per rule group, at the
 * intervals of BIOMON_ALERT_*; plus the sweep of webhook deliveries whose job was lost.
 * Upserting is idempotent: every worker process may do it at startup, the schedulers stay one
 * each. With `every`, bullmq runs the first job at once, so a fresh start warns right away.
 */
export async function registerAlertSchedulers(ctx: AppContext, log: Logger): Promise<void> {
  const alerts = ctx.queues.get(QUEUES.alerts)!;
  const a = ctx.config.alerts;
  const every: Record<ScheduleGroup, number> = { stations: a.stationCheckMs, indicators: a.indicatorCheckMs, imports: a.importCheckMs };
  for (const group of Object.keys(SCHEDULE_GROUPS) as ScheduleGroup[]) {
    await alerts.upsertJobScheduler(`alerts-${group}`, { every: every[group] }, { name: EVALUATE_JOB, data: { trigger: 'schedule', group } });
  }
  await ctx.queues.get(QUEUES.webhooks)!.upsertJobScheduler('webhooks-sweep', { every: a.stationCheckMs }, { name: SWEEP_JOB, data: {} });
  log.info({ every }, 'alert schedulers registered');
}
