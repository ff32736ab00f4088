// A load generator in a process of its own (so it never shares the event loop of the server it
// measures): autocannon against one base URL, each request on one of a list of paths, at random.
//   node bench/support/load.mjs '{"url":"http://127.0.0.1:3000","paths":["/a","/b"],"connections":20,"duration":10}'
// Prints one JSON line: { reqPerS, p50Ms, p99Ms, non2xx, errors, requests }.
import autocannon from 'autocannon';

const cfg = JSON.parse(process.argv[2]);
const result = await autocannon({
  url: cfg.url,
  connections: cfg.connections ?? 20,
  duration: cfg.duration ?? 10,
  headers: cfg.headers ?? {},
  // every request picks one of the paths at random (as pgbench's `random()` picks a bbox)
  requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: cfg.paths[Math.floor(Math.random() * cfg.paths.length)] }) }],
});
process.stdout.write(
  `${JSON.stringify({
    reqPerS: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    requests: result.requests.total,
  })}\n`,
);
