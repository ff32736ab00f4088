import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '@biomon/core';

/** Deeper JSON than this is refused: no route needs it, and deep nesting is a denial-of-service shape. */
export const MAX_JSON_DEPTH = 32;

/** Depth and finiteness of a parsed JSON value (JSON.parse turns 1e400 into Infinity). */
function inspect(v: unknown, depth: number): AppError | null {
  if (typeof v === 'number') {
    return Number.isFinite(v)
      ? null
      : new AppError('VALIDATION_FAILED', 'a number in the body is not finite', {
          errors: [{ field: 'body', code: 'NUMBER_NOT_FINITE', message: 'numbers must be finite (1e400 and the like are refused)' }],
        });
  }
  if (v === null || typeof v !== 'object') return null;
  if (depth > MAX_JSON_DEPTH) {
    return new AppError('VALIDATION_FAILED', 'the body is nested too deeply', {
      errors: [{ field: 'body', code: 'BODY_TOO_DEEP', message: `JSON may nest at most ${MAX_JSON_DEPTH} levels` }],
    });
  }
  for (const x of Array.isArray(v) ? v : Object.values(v)) {
    const e = inspect(x, depth + 1);
    if (e) return e;
  }
  return null;
}

type Done = (err: Error | null, body?: unknown) => void;

/**
 * The JSON body parser of every route: fastify's secure parser (prototype and constructor
 * poisoning refused), then depth and finite-number checks. Used for application/json and for
 * application/geo+json.
 */
export function safeJsonParser(app: FastifyInstance): (req: FastifyRequest, body: string | Buffer, done: Done) => void {
  const base = app.getDefaultJsonParser('error', 'error') as unknown as (req: FastifyRequest, body: string | Buffer, done: Done) => void;
  return (req, body, done) => {
    base(req, body, (err, parsed) => {
      if (err) return done(err);
      const problem = inspect(parsed, 0);
      if (problem) return done(problem);
      done(null, parsed);
    });
  };
}
