#!/usr/bin/env node
// A small dependency-free reverse proxy: one origin (PORT) in front of several `biomon serve`
// processes, for infra/scale-out.sh and the scale-out drill. Production puts a real load balancer
// (nginx, HAProxy, a cloud LB) here; this one is enough to run N api processes on one machine.
//
//   node infra/proxy.mjs --port 3000 --to http://127.0.0.1:3101,http://127.0.0.1:3102
//
// - Round robin over the backends; a backend that refuses a connection is skipped for 2 s.
// - A request is sent to another backend when its backend could not be reached (nothing of it was
//   sent, so nothing can have been stored twice), and a GET or HEAD also when its backend failed
//   before answering. Otherwise the client gets 502 BACKEND_UNAVAILABLE with Retry-After: 1.
// - X-Forwarded-For gets the client's address appended (the api processes trust it with
//   BIOMON_TRUST_PROXY=127.0.0.1, so the per-address rate limits count the client, not the proxy).
import http from 'node:http';
import { pathToFileURL } from 'node:url';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

function errorBody(code, message) {
  return JSON.stringify({ error: { code, message } });
}

/**
 * Starts the proxy. Returns { server, port, close(), stats } once it listens.
 * @param {{ port: number, host?: string, backends: string[], downMs?: number }} opts
 */
export async function startProxy(opts) {
  const backends = opts.backends.map((b) => ({ url: new URL(b), downUntil: 0 }));
  if (!backends.length) throw new Error('no backends');
  const downMs = opts.downMs ?? 2_000;
  const stats = { requests: 0, retried: 0, failed: 0 };
  let next = 0;

  const pick = (tried) => {
    const now = Date.now();
    for (let i = 0; i < backends.length; i++) {
      const b = backends[(next + i) % backends.length];
      if (!tried.has(b) && b.downUntil <= now) {
        next = (next + i + 1) % backends.length;
        return b;
      }
    }
    // every untried backend is marked down: try one anyway (it may be back)
    return backends.find((b) => !tried.has(b)) ?? null;
  };

  const server = http.createServer((req, res) => {
    stats.requests++;
    const headers = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k)) headers[k] = v;
    const client = req.socket.remoteAddress ?? '';
    headers['x-forwarded-for'] = req.headers['x-forwarded-for'] ? `${req.headers['x-forwarded-for']}, ${client}` : client;
    const idempotent = req.method === 'GET' || req.method === 'HEAD';
    const tried = new Set();
    let clientGone = false;
    res.on('close', () => {
      clientGone = !res.writableFinished;
    });

    const fail = (status, code, message) => {
      stats.failed++;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '1' });
      res.end(errorBody(code, message));
    };

    const attempt = () => {
      const b = pick(tried);
      if (!b) return fail(502, 'BACKEND_UNAVAILABLE', 'no api process answered; retry');
      tried.add(b);
      let bodySent = false;
      let answered = false;
      const up = http.request({ hostname: b.url.hostname, port: b.url.port, method: req.method, path: req.url, headers, agent: false }, (upRes) => {
        answered = true;
        const h = {};
        for (const [k, v] of Object.entries(upRes.headers)) if (!HOP_BY_HOP.has(k)) h[k] = v;
        res.writeHead(upRes.statusCode ?? 502, h);
        upRes.pipe(res);
        upRes.on('error', () => res.destroy());
        upRes.on('aborted', () => res.destroy());
      });
      up.on('error', (err) => {
        if (clientGone) return;
        const refused = err.code === 'ECONNREFUSED' || err.code === 'EHOSTUNREACH' || (err.code === 'ECONNRESET' && !bodySent);
        if (refused) b.downUntil = Date.now() + downMs;
        if (answered) return res.destroy();
        // nothing of the request reached the backend, or it was a read: another backend may answer
        if ((!bodySent || idempotent) && tried.size < backends.length) {
          stats.retried++;
          return attempt();
        }
        fail(502, 'BACKEND_UNAVAILABLE', `the api process failed before answering (${err.code ?? err.message}); retry`);
      });
      // the body is read only once the backend accepted the connection, so a refused connection
      // leaves it unread for the next backend
      up.on('socket', (sock) => {
        const send = () => {
          if (clientGone) return up.destroy();
          bodySent = true;
          if (req.readableEnded)
            up.end(); // a retried GET: its (empty) body was read by the first try
          else req.pipe(up);
        };
        if (sock.connecting) sock.once('connect', send);
        else send();
      });
      res.on('close', () => {
        if (!res.writableFinished) up.destroy();
      });
    };
    attempt();
  });
  server.keepAliveTimeout = 10_000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', resolve);
  });
  const port = server.address().port;
  return {
    server,
    port,
    stats,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const arg = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const port = Number(arg('--port') ?? process.env.PORT ?? 3000);
  const to = (arg('--to') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!to.length) {
    console.error('usage: node infra/proxy.mjs --port PORT --to http://host:port[,http://host:port…]');
    process.exit(2);
  }
  const p = await startProxy({ port, host: arg('--host') ?? '127.0.0.1', backends: to });
  console.error(`[proxy] http://127.0.0.1:${p.port} → ${to.join(', ')}`);
  const stop = () => p.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
