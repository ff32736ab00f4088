import type { Config } from '@biomon/config';
import { createLogger } from '@biomon/core';
import { createContext } from '@biomon/runtime';
import { startWorker } from './worker';
import { registerAlertSchedulers } from './alert-schedulers';

/** Runs the worker until SIGINT/SIGTERM, then closes workers (active jobs finish) and pools. */
export function runWorkerUntilSignal(config: Config): void {
  const log = createLogger(config.logLevel).child({ app: 'worker' });
  const ctx = createContext(config, { applicationName: 'biomon-worker' });
  const running = startWorker(ctx, log, { registerSchedulers: registerAlertSchedulers });
  log.info({ queues: running.workers.map((w) => w.name) }, 'worker started');
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, async () => {
      if (stopping) return;
      stopping = true;
      log.info({ signal: sig }, 'worker stopping');
      setTimeout(() => process.exit(1), 20_000).unref();
      await running.stop();
      await ctx.close();
      process.exit(0);
    });
  }
}
