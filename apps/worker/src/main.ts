import { loadConfig } from '@biomon/config';
import { runWorkerUntilSignal } from './run';

// Production layout: the worker as its own process. Locally `npm start` runs `biomon worker`, the same code.
runWorkerUntilSignal(loadConfig());
