export { buildServer, type AppModule, type BuildServerOptions, type RouteInfo } from './server';
export * from './schemas';
export { callerRole } from './auth.plugin';
export { checkHealth, type HealthReport } from './health';
export { fieldErrorsFromValidation } from './errors.plugin';
export { safeJsonParser, MAX_JSON_DEPTH } from './json-parser';
export { registerRateLimits, type RequestLimits, type RateLimitSettings } from './rate-limit';
export { readSingleFile } from './multipart';
export { registerTextGuard } from './text-guard';
