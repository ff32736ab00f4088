export { startWorker, type RunningWorker, type StartWorkerOptions } from './worker';
export { registerAlertSchedulers } from './alert-schedulers';
export { runWorkerUntilSignal } from './run';
export { REGISTRY, type JobRegistry, type JobHandler } from './registry';
