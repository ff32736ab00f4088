import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyReply } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { randomUUID } from 'node:crypto';
import { Type, type TSchema, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { LOG_REDACT_PATHS } from '@biomon/core';
import type { AppContext } from '@biomon/runtime';
import { frameworkError, registerErrorHandling } from './errors.plugin';
import { registerAuth } from './auth.plugin';
import { checkHealth } from './health';
import { safeJsonParser } from './json-parser';
import { registerTextGuard } from './text-guard';
import { HTTP_SCHEMAS, errorResponses } from './schemas';

import { registerRateLimits } from './rate-limit';
import { registerBatchAdmission } from './batch-admission';
import helmet from '@fastify/helmet';
import cors from '@fastify/cors';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered on this server: method, url pattern, its query parameters and whether it declares a response schema. */
    routeList: RouteInfo[];
  }
}

/** One registered route as the server lists it (`app.routeList`). */
export interface RouteInfo {
  method: string;
  url: string;
  query: string[];
  /** the route's schema declares `response` (what comes back is described in /openapi.json) */
  response: boolean;
  /** hidden from /openapi.json (`schema.hide`) */
  hidden: boolean;
}

export interface AppModule {
  /** e.g. 'ingest' or 'api' */
  name: string;
  plugin: FastifyPluginAsync<{ ctx: AppContext }>;
  /** Shared schemas (each with an `$id`) its routes reference: added at the root, named in /openapi.json's components. */
  schemas?: TSchema[];
}

export interface BuildServerOptions {
  ctx: AppContext;
  apps: AppModule[];
  title?: string;
}

const UpDown = Type.Union([Type.Literal('up'), Type.Literal('down')]);
const HealthSchema = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded'), Type.Literal('down')], {
    description: 'down when the database or Redis is; degraded when only the worker or the read standby is',
  }),
  db: UpDown,
  redis: UpDown,
  worker: UpDown,
  replica: Type.Optional(
    Type.Object(
      {
        status: Type.Union([Type.Literal('up'), Type.Literal('behind'), Type.Literal('down')], {
          description: 'up: read-only routes read from it; behind (more than BIOMON_READ_MAX_LAG_S) or down: they read from the primary',
        }),
        lagSeconds: Type.Union([Type.Number(), Type.Null()], {
          description: 'how far its replay is behind the primary; 0 when caught up, null when not known',
        }),
      },
      { description: 'the hot standby of DATABASE_READ_URL (absent without one)' },
    ),
  ),
  apps: Type.Array(Type.String()),
  checkedAt: Type.String({ format: 'date-time' }),
});

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
    // behind the proxies of BIOMON_TRUST_PROXY, request.ip is the client's (X-Forwarded-For)
    trustProxy: config.trustProxy.length ? config.trustProxy : false,
    bodyLimit: 1024 * 1024,
    connectionTimeout: config.requestTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    // Node checks request timeouts every 30 s by default: too slow to cut a slow-drip body promptly
    http: {
      connectionsCheckingInterval: Math.max(250, Math.min(5_000, Math.floor(config.requestTimeoutMs / 4))),
      headersTimeout: Math.min(config.requestTimeoutMs, 30_000),
    },
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
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'"],
      },
    },
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
  await app.register(cors, {
    origin: config.corsOrigins.length ? config.corsOrigins : false,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'if-match', 'x-request-id', 'accept'],
    exposedHeaders: ['x-request-id', 'retry-after', 'etag'],
    maxAge: 600,
  });

  // Shared schemas, at the root so that every app's routes and /openapi.json see them (one copy per $id).
  for (const schema of [...HTTP_SCHEMAS, ...apps.flatMap((a) => a.schemas ?? [])]) {
    if (!app.getSchema(String(schema.$id))) app.addSchema(schema);
  }
  await app.register(swagger, {
    // components are named by their $id (ErrorBody, Occurrence, …), so generated clients get those names
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    openapi: {
      openapi: '3.0.3',
      info: {
        title: title ?? 'biomon — 吉林省生物多样性监测数据平台 API',
        description:
          'Biodiversity monitoring data platform for Jilin Province: survey and station ingest, reference layers, indicators, the ledger (责任分工台账) and reports.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Token from `biomon tokens create`' } },
      },
      tags: apps.map((a) => ({ name: a.name })),
    },
  });
  // Every registered route, for the exhaustive access-matrix test.
  const routeList: RouteInfo[] = [];
  app.decorate('routeList', routeList);
  app.addHook('onRoute', (route) => {
    const schema = route.schema as { querystring?: { properties?: Record<string, unknown> }; response?: unknown; hide?: boolean } | undefined;
    const qs = schema?.querystring?.properties ?? {};
    for (const method of [route.method].flat())
      routeList.push({
        method: String(method),
        url: route.url,
        query: Object.keys(qs),
        response: schema?.response !== undefined,
        hidden: schema?.hide === true,
      });
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  registerErrorHandling(app);
  registerTextGuard(app);
  const limits = await registerRateLimits(app, {
    redisUrl: config.redisUrl,
    prefix: config.queuePrefix,
    perToken: config.rateLimitPerMinute,
    perAddress: config.rateLimitPublicPerMinute,
  });
  registerAuth(app, () => ctx.db, limits);
  registerBatchAdmission(app, () => ctx.slots.batchRequests);

  const appNames = apps.map((a) => a.name);
  app.get(
    '/health',
    {
      schema: {
        summary: 'Health of the server and its dependencies (db, redis, worker)',
        tags: ['system'],
        response: {
          200: HealthSchema,
          503: { ...HealthSchema, description: 'a dependency is down (with Retry-After)' },
          '4xx': errorResponses['4xx'],
        },
      },
    },
    async (_req, reply) => {
      const report = await checkHealth(ctx, appNames);
      if (report.status === 'down') reply.header('retry-after', '5').status(503);
      return report;
    },
  );

  // the document itself: an object whose shape is OpenAPI's, not described again here
  app.get('/openapi.json', { schema: { hide: true, response: { 200: Type.Object({}, { additionalProperties: true }), ...errorResponses } } }, async () =>
    app.swagger(),
  );

  for (const mod of apps) {
    await app.register(mod.plugin, { ctx });
  }
  return app;
}
