import http from 'node:http';

/** One batch sent by the load generator and what came back. */
export interface Sent {
  batch: number;
  ids: string[];
  status: number;
  retryAfter?: string;
  error?: string;
}

const NAMES = ['Capreolus pygargus', 'Sus scrofa', 'Phasianus colchicus', 'Grus japonensis'];

export function records(prefix: string, batch: number, size: number): Record<string, unknown>[] {
  return Array.from({ length: size }, (_, i) => ({
    occurrenceID: `${prefix}-${batch}-${i}`,
    scientificName: NAMES[(batch + i) % NAMES.length],
    eventDate: '2025-06-01',
    decimalLatitude: 42 + ((batch * 31 + i) % 300) / 100,
    decimalLongitude: 124 + ((batch * 17 + i) % 600) / 100,
    geodeticDatum: 'WGS84',
    individualCount: 1,
  }));
}

/** POSTs JSON with node:http (no keep-alive pool surprises); resolves with status and headers, or the network error. */
export function post(
  url: string,
  token: string,
  body: unknown,
  opts: { abortAfterHeaders?: boolean; timeoutMs?: number } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string; error?: string }> {
  const data = Buffer.from(JSON.stringify(body));
  const u = new URL(url);
  return new Promise((resolve) => {
    const req = http.request(
      {
        hostname: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        agent: false,
        timeout: opts.timeoutMs ?? 30_000,
        headers: { 'content-type': 'application/json', 'content-length': data.length, authorization: `Bearer ${token}` },
      },
      (res) => {
        if (opts.abortAfterHeaders) {
          // the server has answered (so it committed): the client vanishes before reading the body
          req.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '', error: 'client aborted after headers' });
          return;
        }
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        res.on('error', (e) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, error: e.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, headers: {}, body: '', error: e.message }));
    req.end(data);
  });
}

/**
 * Clients posting batches of occurrences until stop() is called. Every batch is retried until it
 * gets an answer (200 or 422), as a field app would; the log keeps every attempt.
 */
export function ingestLoad(url: string, token: string, opts: { clients: number; batchSize: number; prefix: string; pauseMs?: number }) {
  const log: Sent[] = [];
  let stopping = false;
  let batch = 0;
  const acknowledged = new Set<string>();
  const clients = Array.from({ length: opts.clients }, async () => {
    while (!stopping) {
      const b = batch++;
      const recs = records(opts.prefix, b, opts.batchSize);
      for (;;) {
        const res = await post(`${url}/v1/occurrences`, token, { records: recs });
        log.push({
          batch: b,
          ids: recs.map((r) => String(r.occurrenceID)),
          status: res.status,
          retryAfter: res.headers['retry-after'] as string | undefined,
          error: res.error,
        });
        if (res.status === 200) {
          for (const r of recs) acknowledged.add(String(r.occurrenceID));
          break;
        }
        if (res.status === 422) break;
        if (stopping) break; // give up once the drill is over
        await new Promise((r) => setTimeout(r, 200));
      }
      if (opts.pauseMs) await new Promise((r) => setTimeout(r, opts.pauseMs));
    }
  });
  return {
    log,
    acknowledged,
    async stop() {
      stopping = true;
      await Promise.all(clients);
    },
  };
}
