export { loadConfig, ConfigError } from './config';
export type { Config, SeedLevel, EmlConfig, AlertsConfig } from './config';
