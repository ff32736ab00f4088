import type { Config } from '@biomon/config';
import { runWorkerUntilSignal } from '@biomon/worker';

export async function workerCommand(config: Config): Promise<number> {
  runWorkerUntilSignal(config);
  return -1; // keeps running until a signal
}
