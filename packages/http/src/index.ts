export { buildServer, ErrorBody, type AppModule, type BuildServerOptions } from './server';
export { createContext, type AppContext } from './context';
export { callerRole } from './auth.plugin';
export { checkHealth, type HealthReport } from './health';
export { fieldErrorsFromValidation } from './errors.plugin';
export { safeJsonParser, MAX_JSON_DEPTH } from './json-parser';
export { RateLimiter } from './rate-limit';
export { readSingleFile } from './multipart';
export { registerTextGuard } from './text-guard';
