export { runSeeds, SEED_STEPS, type SeedStepResult, type SeedOptions } from './seed';
export { demoNdvi, DEMO_NDVI } from './demo-ndvi';
