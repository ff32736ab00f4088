export { loadConfig, ConfigError, DEFAULT_IMPORT_LIMITS } from './config';
export type { Config, SeedLevel, EmlConfig, AlertsConfig, ImportLimits } from './config';
