import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, type FieldError } from '@biomon/core';
import { translatePgError } from '@biomon/db';

interface AjvError {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** Ajv validation errors → `{ field, code, message }`, naming the failing field. */
export function fieldErrorsFromValidation(errors: AjvError[], context: string | undefined): FieldError[] {
  return errors.map((e) => {
    let field = (e.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    if (e.keyword === 'required' && e.params?.missingProperty) {
      field = field ? `${field}.${e.params.missingProperty}` : String(e.params.missingProperty);
    }
    if (e.keyword === 'additionalProperties' && e.params?.additionalProperty) {
      field = field ? `${field}.${e.params.additionalProperty}` : String(e.params.additionalProperty);
    }
    const where = context && context !== 'body' ? `${context}.` : '';
    return { field: `${where}${field}` || context || 'body', code: `SCHEMA_${String(e.keyword ?? 'invalid').toUpperCase()}`, message: e.message ?? 'invalid' };
  });
}

/**
 * Errors fastify raises while routing, before any hook (its `frameworkErrors`), in the one error
 * format: a path that is not valid percent-encoded UTF-8 — `%ED%A0%80` (a UTF-16 surrogate in
 * CESU-8), `%C0%80` (an overlong NUL) — or a path parameter over the router's length limit.
 */
export function frameworkError(err: FastifyError): AppError {
  if (err.code === 'FST_ERR_BAD_URL') {
    return new AppError('VALIDATION_FAILED', 'The URL path is not valid percent-encoded UTF-8', {
      errors: [
        { field: 'url', code: 'URL_ENCODING_INVALID', message: 'percent-encode UTF-8 text; surrogates and overlong forms (%ED%A0%80, %C0%80) are not UTF-8' },
      ],
    });
  }
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return new AppError('VALIDATION_FAILED', 'A path parameter is too long', {
      errors: [{ field: 'url', code: 'PATH_PARAMETER_TOO_LONG', message: err.message }],
    });
  }
  return new AppError('INTERNAL');
}

/** One error format for every route: `{ error: { code, message, details } }`. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError & { validation?: AjvError[]; validationContext?: string }, request, reply) => {
    let appErr: AppError | null = null;
    if (err instanceof AppError) appErr = err;
    else if (err.validation) {
      appErr = new AppError('VALIDATION_FAILED', 'The request does not match the schema', {
        errors: fieldErrorsFromValidation(err.validation, err.validationContext),
      });
    } else if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.code === 'FST_ERR_CTP_INVALID_TYPE') {
      appErr = new AppError('UNSUPPORTED_MEDIA_TYPE', `Content-Type ${JSON.stringify(request.headers['content-type'] ?? '')} is not accepted here`, {
        errors: [
          { field: 'headers.content-type', code: 'CONTENT_TYPE_UNSUPPORTED', message: 'send the content type this route declares (usually application/json)' },
        ],
      });
    } else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
      appErr = new AppError('BODY_TOO_LARGE', err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? undefined : 'Content-Length does not match the body', {
        errors: [{ field: 'body', code: 'BODY_TOO_LARGE', message: err.message }],
      });
    } else if (
      err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
      err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
      err instanceof SyntaxError ||
      (/prototype|constructor/i.test(String(err.message)) && err.statusCode === 400)
    ) {
      appErr = new AppError('BAD_JSON', err.message, { errors: [{ field: 'body', code: 'JSON_INVALID', message: err.message }] });
    } else {
      appErr = translatePgError(err);
      if (!appErr && err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
        appErr = new AppError(err.statusCode === 413 ? 'BODY_TOO_LARGE' : err.statusCode === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'VALIDATION_FAILED', err.message);
      }
    }
    if (!appErr) {
      request.log.error({ err }, 'unhandled error');
      appErr = new AppError('INTERNAL');
    } else if (appErr.status >= 500) {
      request.log.warn({ err, code: appErr.code }, 'dependency error');
    }
    if (appErr.headers) reply.headers(appErr.headers);
    return reply.status(appErr.status).send(appErr.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(new AppError('ROUTE_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`).toBody());
  });
}
