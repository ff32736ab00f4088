import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '@biomon/core';
import { accessFor, findPrincipal, type CallerRole, type Principal } from '@biomon/auth';
import type { RequestLimits } from './rate-limit';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export function callerRole(request: FastifyRequest): CallerRole {
  return request.principal?.role ?? 'public';
}

/**
 * Bearer-token authentication, rate limits and per-route role checks from the access matrix. A
 * route without a rule is refused to everyone but admin, so a forgotten rule fails closed.
 * A failed token attempt (malformed, unknown, expired or revoked) counts against the client
 * address's limit like a request without a token; and once an address has failed that many times
 * in the window, every token it sends gets 429 before it is looked up, so a lucky guess cannot be
 * told from a miss. Valid tokens of an address are not held back by others' anonymous traffic
 * from it (a shared NAT), only by failed attempts. The counts are shared by every process (Redis,
 * ./rate-limit.ts) and fail open when Redis does not answer.
 */
export function registerAuth(app: FastifyInstance, getDb: () => Parameters<typeof findPrincipal>[0], limits?: RequestLimits): void {
  app.decorateRequest('principal', null);
  // onRequest: before the body is read, so unauthenticated or unauthorised callers cost nothing
  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url ?? '';
    const exempt = url === '/health' || url.startsWith('/docs');
    const header = request.headers.authorization;
    if (header) {
      // failures of this address in the window: once at the limit, no token is looked up any more
      if (limits) await limits.assertFailuresUnder(request);
      const m = /^Bearer ([A-Za-z0-9_-]{10,200})$/.exec(header.trim());
      const principal = m ? await findPrincipal(getDb(), m[1]) : null;
      if (!principal) {
        if (limits) {
          await limits.failure(request);
          await limits.address(request);
        }
        throw new AppError('TOKEN_INVALID', m ? undefined : 'Authorization must be "Bearer <token>"');
      }
      request.principal = principal;
    }
    if (limits && !exempt) {
      if (request.principal) await limits.token(request);
      else await limits.address(request);
    }
    // No route matched: let the 404 handler answer (a token, if sent, was still checked above).
    if (request.is404) return;
    // The matrix decides (packages/auth/src/access-matrix.ts); a route without a rule is admin-only.
    const access = accessFor(request.method, url);
    if (access === 'public') return;
    const role = request.principal?.role;
    if (!role) throw new AppError('UNAUTHENTICATED');
    if (role === 'admin') return;
    if (!access || !access.includes(role))
      throw new AppError('FORBIDDEN', `Role ${role} may not call ${request.method} ${request.routeOptions.url}`, { reason: 'role' });
  });
}
