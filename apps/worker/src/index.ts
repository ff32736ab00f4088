export { startWorker, type RunningWorker } from './worker';
export { runWorkerUntilSignal } from './run';
export { REGISTRY } from './registry';
