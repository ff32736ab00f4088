import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Slots } from '@biomon/db';

const RELEASE = Symbol('biomon.batchAdmission');
type Held = FastifyRequest & { [RELEASE]?: () => void };

/**
 * Admission of batch requests (issue 17): a route that takes a batch (config.batchRecords:
 * occurrence and survey-event batches, station pushes) takes one of `permits()` before its body
 * is read, and gives it back when its response is finished or the client goes away.
 *
 * Why: a batch's transaction already waits for a batch slot (ctx.dbBatch), but it waited with its
 * body read, parsed and validated: twenty stations pushing 8 MB each, or fifty field apps sending
 * 5,000-record batches after days offline, were all in the heap at once however few could be
 * written. With permits (the batch slots and one more, so one batch is read and validated while the
 * others write), a waiting batch is bytes in its socket, and TCP holds the client back; the memory
 * a process needs no longer grows with the number of clients. (Throughput is unchanged: measured
 * on 2 cores with 8 clients, records/s and the time spent in garbage collection were within the
 * run-to-run spread of the same bench without permits.) A wait longer than BIOMON_DB_SLOT_WAIT_MS
 * is the same 503 SERVICE_UNAVAILABLE (Retry-After) as the slots'.
 * Runs in preParsing: after authentication and rate limits, so a refused request never waits.
 */
export function registerBatchAdmission(app: FastifyInstance, permits: () => Slots): void {
  app.addHook('preParsing', async (request: Held, reply: FastifyReply) => {
    if (request.routeOptions.config?.batchRecords === undefined) return;
    // a client that leaves while waiting must not keep the permit it is then given
    let gone = false;
    const onGone = () => {
      gone = true;
    };
    reply.raw.once('close', onGone);
    let release: () => void;
    try {
      release = await permits().acquire();
    } finally {
      reply.raw.removeListener('close', onGone);
    }
    if (gone) {
      release();
      return;
    }
    request[RELEASE] = release;
    reply.raw.once('close', release);
  });
  const giveBack = async (request: Held) => {
    const release = request[RELEASE];
    request[RELEASE] = undefined;
    release?.();
  };
  app.addHook('onResponse', giveBack);
  app.addHook('onRequestAbort', giveBack);
}
