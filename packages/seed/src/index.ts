export { runSeeds, SEED_STEPS, type SeedStepResult } from './seed';
