import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyReply } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { randomUUID } from 'node:crypto';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { LOG_REDACT_PATHS } from '@biomon/core';
import type { AppContext } from './context';
import { frameworkError, registerErrorHandling } from './errors.plugin';
import { registerAuth } from './auth.plugin';
import { checkHealth } from './health';
import { safeJsonParser } from './json-parser';
import { registerTextGuard } from './text-guard';

import { RateLimiter } from './rate-limit';
import helmet from '@fastify/helmet';
import cors from '@fastify/cors';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered on this server: method, url pattern and its query parameters. */
    routeList: { method: string; url: string; query: string[] }[];
  }
}

export interface AppModule {
  /** e.g. 'ingest' or 'api' */
  name: string;
  plugin: FastifyPluginAsync<{ ctx: AppContext }>;
}

export interface BuildServerOptions {
  ctx: AppContext;
  apps: AppModule[];
  title?: string;
}

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { $id: 'ErrorBody' },
);

/**
 * Builds (does not start) a fastify server hosting the given apps. In production each app runs
 * in its own process (apps/<name>/src/server.ts); locally `npm start` hosts ingest and api together
 * under one origin, with one /health and one OpenAPI document.
 */
export async function buildServer({ ctx, apps, title }: BuildServerOptions): Promise<FastifyInstance> {
  const { config } = ctx;
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel, redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' } },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
    connectionTimeout: config.requestTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    // Node checks request timeouts every 30 s by default: too slow to cut a slow-drip body promptly
    http: { connectionsCheckingInterval: Math.max(250, Math.min(5_000, Math.floor(config.requestTimeoutMs / 4))), headersTimeout: Math.min(config.requestTimeoutMs, 30_000) },
    keepAliveTimeout: 10_000,
    return503OnClosing: true,
    ajv: { customOptions: { allErrors: true, coerceTypes: true, removeAdditional: false } },
    frameworkErrors: (err, _req, reply) => {
      const e = frameworkError(err);
      (reply as unknown as FastifyReply).status(e.status).send(e.toBody());
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  // Bodies: fastify's secure JSON parser (prototype/constructor poisoning refused) plus depth and
  // finite-number checks; other content types are refused with 415 unless a route declares them.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, safeJsonParser(app));

  // Security headers; CORS only for the configured browser origins (default: same-origin only).
  await app.register(helmet, {
    contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:', 'blob:'], styleSrc: ["'self'", "'unsafe-inline'"], scriptSrc: ["'self'"], workerSrc: ["'self'", 'blob:'], connectSrc: ["'self'"] } },
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
  await app.register(cors, {
    origin: config.corsOrigins.length ? config.corsOrigins : false,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'if-match', 'x-request-id', 'accept'],
    exposedHeaders: ['x-request-id', 'retry-after', 'etag'],
    maxAge: 600,
  });

  app.addSchema(ErrorBody);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: title ?? 'biomon — 吉林省生物多样性监测数据平台 API',
        description: 'Biodiversity monitoring data platform for Jilin Province: survey and station ingest, reference layers, indicators, the ledger (责任分工台账) and reports.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Token from `biomon tokens create`' } },
      },
      tags: apps.map((a) => ({ name: a.name })),
    },
  });
  // Every registered route, for the exhaustive access-matrix test.
  const routeList: { method: string; url: string; query: string[] }[] = [];
  app.decorate('routeList', routeList);
  app.addHook('onRoute', (route) => {
    const qs = (route.schema as { querystring?: { properties?: Record<string, unknown> } } | undefined)?.querystring?.properties ?? {};
    for (const method of [route.method].flat()) routeList.push({ method: String(method), url: route.url, query: Object.keys(qs) });
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  registerErrorHandling(app);
  registerTextGuard(app);
  registerAuth(app, () => ctx.db, { limiter: new RateLimiter(), perToken: config.rateLimitPerMinute, perAddress: config.rateLimitPublicPerMinute });

  const appNames = apps.map((a) => a.name);
  app.get('/health', {
    schema: {
      summary: 'Health of the server and its dependencies (db, redis, worker)',
      tags: ['system'],
      response: {
        200: Type.Object({ status: Type.String(), db: Type.String(), redis: Type.String(), worker: Type.String(), apps: Type.Array(Type.String()), checkedAt: Type.String() }),
        503: Type.Object({ status: Type.String(), db: Type.String(), redis: Type.String(), worker: Type.String(), apps: Type.Array(Type.String()), checkedAt: Type.String() }),
      },
    },
  }, async (_req, reply) => {
    const report = await checkHealth(ctx, appNames);
    if (report.status === 'down') reply.header('retry-after', '5').status(503);
    return report;
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  for (const mod of apps) {
    await app.register(mod.plugin, { ctx });
  }
  return app;
}
