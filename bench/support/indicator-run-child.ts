/**
 * The worker side of bench/indicators.ts: executes one indicator run exactly as the worker's job
 * does (`executeIndicatorRun` on a pool of the worker's size), in its own process so that its
 * memory is the worker's alone, and prints one JSON line: the run's wall time, this process's
 * peak RSS (VmHWM) and the peak of each PostgreSQL backend it used (read from /proc before the
 * pool closes).
 *
 *   node --import tsx bench/support/indicator-run-child.ts DATABASE_URL RUN_ID
 *
 * BENCH_EXPLAIN=FILE: the plans (auto_explain, analyzed) of the statements slower than
 * BENCH_EXPLAIN_MS (default 1000) are written to FILE, to find what dominates (timing the nodes
 * slows the run down). BENCH_WORK='{"featuresPerCell":3000}' (or cellDeg, concurrency,
 * cellsPerStatement): other settings of the engine's work (compute/run-work.ts WorkOptions).
 */
import { writeFileSync } from 'node:fs';
import { createDb, sql } from '@biomon/db';
import { executeIndicatorRun } from '@biomon/indicators';
import { BENCH_APP, procCpuSeconds, procStatus } from './proc-memory';

async function main(): Promise<void> {
  const [url, runId] = process.argv.slice(2);
  const explainFile = process.env.BENCH_EXPLAIN;
  const h = createDb(url, { max: Number(process.env.BIOMON_DB_POOL_MAX ?? 20), applicationName: BENCH_APP });
  const plans: string[] = [];
  if (explainFile) {
    // auto_explain in each of the worker's sessions, its plans sent back as notices
    const minMs = Number(process.env.BENCH_EXPLAIN_MS ?? 1000);
    h.pool.on('connect', (client) => {
      client.on('notice', (n) => {
        if (/^duration:/.test(n.message ?? '')) plans.push(n.message!);
      });
      void client.query(
        `LOAD 'auto_explain'; SET auto_explain.log_min_duration = ${minMs}; SET auto_explain.log_analyze = on; SET auto_explain.log_buffers = on; SET auto_explain.log_level = notice`,
      );
    });
  }
  const t0 = performance.now();
  const work = process.env.BENCH_WORK ? (JSON.parse(process.env.BENCH_WORK) as Record<string, number>) : undefined;
  const outcome = await executeIndicatorRun(h.db, runId, undefined, { work });
  const seconds = (performance.now() - t0) / 1000;
  const backends = (
    await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE application_name = ${BENCH_APP} AND datname = current_database()`.execute(h.db)
  ).rows.map((r) => ({ pid: r.pid, cpuSeconds: procCpuSeconds(r.pid), ...procStatus(r.pid) }));
  if (explainFile) writeFileSync(explainFile, plans.join('\n\n'));
  await h.close();
  const self = procStatus('self');
  const cpu = process.cpuUsage();
  process.stdout.write(
    `${JSON.stringify({ outcome, seconds, node: { VmHWM: self.VmHWM, VmRSS: self.VmRSS, cpuSeconds: (cpu.user + cpu.system) / 1e6 }, backends })}\n`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
