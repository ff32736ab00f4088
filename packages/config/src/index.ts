export { loadConfig, ConfigError } from './config';
export type { Config, SeedLevel } from './config';
