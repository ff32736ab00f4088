export { runSeeds, SEED_STEPS, type SeedStepResult } from './seed';
export { createDemoTokens } from './commands/tokens.command';
