import type { FastifyInstance } from 'fastify';
import type { AppContext } from '@biomon/runtime';

/**
 * Listens and closes gracefully on SIGINT/SIGTERM: fastify stops accepting (new requests get 503),
 * in-flight requests finish, then the pools close.
 */
export async function listenUntilSignal(app: FastifyInstance, ctx: AppContext, port: number): Promise<void> {
  await app.listen({ port, host: ctx.config.host });
  let closing = false;
  const stop = async (signal: string): Promise<void> => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    try {
      await app.close();
      await ctx.close();
    } finally {
      process.exit(0);
    }
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
