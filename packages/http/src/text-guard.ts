import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, invalidTextErrors, type FieldError } from '@biomon/core';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * A batch route (BRIEF §9) names the top-level body property that holds its records, e.g.
     * `records`. Its records are judged one by one by the service's record validator (the same
     * check, naming the record's term), so a bad character rejects that record only; the rest of
     * the body is checked here. A body without that array (one event, NDJSON text) is left whole
     * to the service.
     */
    batchRecords?: string;
  }
}

/** The parts of a request that are checked, as `[path prefix, value]`. */
function checkedParts(request: FastifyRequest): [string, unknown][] {
  const parts: [string, unknown][] = [
    ['params', request.params],
    ['query', request.query],
  ];
  const body = request.body;
  const batch = request.routeOptions.config?.batchRecords;
  if (body === undefined || body === null) return parts;
  if (batch === undefined) parts.push(['', body]);
  else if (typeof body === 'object' && !Array.isArray(body) && Array.isArray((body as Record<string, unknown>)[batch])) {
    for (const [k, v] of Object.entries(body)) parts.push(['', k === batch ? [] : { [k]: v }]);
  }
  return parts;
}

/**
 * Refuses text PostgreSQL cannot store (NUL, unpaired UTF-16 surrogates) anywhere in a request's
 * path parameters, query string and JSON body — values and property names — with 422
 * TEXT_INVALID_CHARACTER naming each field (`query.taxon`, `params.id`, `evidence[0].title`).
 * Runs before schema validation, so the answer does not depend on the route's schema.
 */
export function registerTextGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const errors: FieldError[] = [];
    for (const [prefix, value] of checkedParts(request)) errors.push(...invalidTextErrors(value, prefix));
    if (errors.length) {
      throw new AppError('TEXT_INVALID_CHARACTER', `${errors.map((e) => e.field).join(', ')}: ${errors[0].message}`, { errors });
    }
  });
}
