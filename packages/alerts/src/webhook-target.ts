import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
// Address classification: ipaddr.js (maintained, ~300 M downloads a month, already in the tree
// through fastify's proxy-addr, ships its own types). It names the IANA special-purpose ranges
// (loopback, private, linkLocal, carrierGradeNat, uniqueLocal, ipv4Mapped, NAT64, 6to4, Teredo,
// reserved, …) so the refusal can say which rule applied, and it tracks new RFCs (9602, 9637)
// without us keeping a hand-written table. node:net's BlockList would need that table, and does
// not tell which entry matched. Numeric host forms (2130706433, 0x7f.1, 0177.0.0.1, 127.1, full-width
// digits) never reach it: the WHATWG URL parser canonicalises them to dotted quads first.
import ipaddr from 'ipaddr.js';

type Ip = ipaddr.IPv4 | ipaddr.IPv6;

/** Addresses of a host name, as `dns.promises.lookup(name, { all: true })` answers. */
export type WebhookResolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

/** The default resolver: the system's (getaddrinfo: /etc/hosts, then DNS), every address, in its order. */
export const systemResolver: WebhookResolver = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/** A checked target: the URL, its host name (SNI and Host stay the name) and the one address to connect to. */
export interface WebhookTarget {
  url: URL;
  /** The URL's host without brackets or trailing dots: what the request names (Host, SNI). */
  hostname: string;
  /** The address that was checked; the connection goes there and nowhere else. */
  address: string;
  family: 4 | 6;
}

export interface WebhookRequest {
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/** The connect path: sends one POST to a checked target, answers the status code (2xx or not). */
export type WebhookSender = (target: WebhookTarget, request: WebhookRequest) => Promise<{ statusCode: number }>;

/** Stable codes of a failed webhook call (the `errorCode` of a try, the `code` of a refusal). */
export type WebhookErrorCode =
  | 'WEBHOOK_URL_INVALID'
  | 'WEBHOOK_URL_FORBIDDEN'
  | 'WEBHOOK_URL_UNRESOLVABLE'
  | 'WEBHOOK_TIMEOUT'
  | 'WEBHOOK_CONNECT_FAILED'
  | 'WEBHOOK_TLS_FAILED'
  | 'WEBHOOK_HTTP_STATUS';

/**
 * A webhook call that did not happen or failed. `message` is short and generic (safe to show an
 * admin, stored with the delivery); `reason` is a machine word (`loopback`, `metadata`, …);
 * `internal` (errno, resolved addresses) is for the worker's log only, never for an answer.
 */
export class WebhookTargetError extends Error {
  constructor(
    readonly code: WebhookErrorCode,
    message: string,
    readonly reason: string,
    readonly internal?: string,
  ) {
    super(message);
    this.name = 'WebhookTargetError';
  }
}

// ---- the address rules --------------------------------------------------------------------------

/** Cloud metadata endpoints: refused even when BIOMON_WEBHOOK_ALLOW_PRIVATE lists their block. */
const METADATA_ADDRESSES = [
  '169.254.169.254', // AWS, GCP, Azure, OpenStack, Huawei, DigitalOcean …
  '169.254.170.2', // AWS ECS task metadata
  '169.254.170.23', // AWS EKS pod identity
  '169.254.0.23', // Tencent Cloud
  '100.100.100.200', // Alibaba Cloud
  '192.0.0.192', // Oracle Cloud (legacy)
  'fd00:ec2::254', // AWS IMDS over IPv6
  'fd00:ec2::23', // AWS EKS pod identity over IPv6
].map((a) => ipaddr.parse(a));

/** Host names of metadata services (compared lower-case, without trailing dots): refused without a lookup. */
export const METADATA_HOSTNAMES: ReadonlySet<string> = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
  'metadata.azure.internal',
]);

/** Never allowed, whatever the allow-list says: no webhook has a reason to go there. */
const NEVER_ALLOWED = new Set(['metadata', 'unspecified', 'multicast', 'broadcast']);

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3') as [ipaddr.IPv6, number];

const REASON_TEXT: Record<string, string> = {
  loopback: 'a loopback address',
  private: 'a private address (RFC 1918)',
  uniqueLocal: 'a private address (IPv6 unique local, fc00::/7)',
  linkLocal: 'a link-local address',
  carrierGradeNat: 'a carrier-grade NAT address (100.64.0.0/10)',
  unspecified: 'the unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  metadata: 'a cloud metadata address',
};
const reasonText = (reason: string) => REASON_TEXT[reason] ?? `a reserved or special-purpose address (${reason})`;

/** IPv4-mapped IPv6 (`::ffff:127.0.0.1`) is judged as the IPv4 address it carries. */
function unmap(ip: Ip): Ip {
  return ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress() ? (ip as ipaddr.IPv6).toIPv4Address() : ip;
}

/**
 * `public`, or the name of the non-public range an address belongs to: loopback, private,
 * uniqueLocal, linkLocal, carrierGradeNat, unspecified, multicast, broadcast, metadata, reserved,
 * or another ipaddr.js range (rfc6052 NAT64, 6to4, teredo, …). IPv6 outside 2000::/3 is `reserved`
 * (fail closed: e.g. the deprecated IPv4-compatible `::127.0.0.1`).
 */
export function classifyAddress(address: string): string {
  let ip: Ip;
  try {
    ip = unmap(ipaddr.parse(address));
  } catch {
    return 'invalid';
  }
  if (METADATA_ADDRESSES.some((m) => m.kind() === ip.kind() && m.toNormalizedString() === ip.toNormalizedString())) return 'metadata';
  const range = ip.range() as string;
  if (range !== 'unicast') return range;
  if (ip.kind() === 'ipv6' && !(ip as ipaddr.IPv6).match(GLOBAL_UNICAST_V6)) return 'reserved';
  return 'public';
}

// ---- the allow-list (BIOMON_WEBHOOK_ALLOW_PRIVATE) ------------------------------------------------

export interface AllowList {
  hosts: ReadonlySet<string>;
  blocks: readonly [Ip, number][];
}

/** Entries as `@biomon/config` validated them: host names, IP addresses, CIDR blocks. */
export function parseAllowList(entries: readonly string[]): AllowList {
  const hosts = new Set<string>();
  const blocks: [Ip, number][] = [];
  for (const raw of entries) {
    const e = raw
      .trim()
      .toLowerCase()
      .replace(/^\[(.*)\]$/, '$1');
    if (!e) continue;
    if (e.includes('/') && ipaddr.isValidCIDR(e)) {
      const [ip, bits] = ipaddr.parseCIDR(e);
      // ::ffff:10.0.0.0/104 is the IPv4 block 10.0.0.0/8
      if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) blocks.push([(ip as ipaddr.IPv6).toIPv4Address(), bits - 96]);
      else blocks.push([ip, bits]);
    } else if (isIP(e)) {
      const ip = unmap(ipaddr.parse(e));
      blocks.push([ip, ip.kind() === 'ipv4' ? 32 : 128]);
    } else if (!e.includes('/')) hosts.add(e.replace(/\.+$/, ''));
    else throw new Error(`webhook allow-list: "${raw}" is not a CIDR block`);
  }
  return { hosts, blocks };
}

function allowedByList(list: AllowList, hostname: string, address: string, reason: string): boolean {
  if (NEVER_ALLOWED.has(reason)) return false;
  if (list.hosts.has(hostname)) return true;
  let ip: Ip;
  try {
    ip = unmap(ipaddr.parse(address));
  } catch {
    return false;
  }
  return list.blocks.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits));
}

// ---- the check ------------------------------------------------------------------------------------

/** What a webhook call may reach, and how it looks names up and connects (both injectable for tests). */
export interface WebhookNetwork {
  allow: AllowList;
  resolve: WebhookResolver;
  send: WebhookSender;
}

export function webhookNetwork(opts: { allowPrivate?: readonly string[]; resolve?: WebhookResolver; send?: WebhookSender } = {}): WebhookNetwork {
  return { allow: parseAllowList(opts.allowPrivate ?? []), resolve: opts.resolve ?? systemResolver, send: opts.send ?? sendPinned };
}

/**
 * Parses a webhook URL without touching the network: http or https, a host, no credentials.
 * Returns the URL and its host name (brackets and trailing dots removed, lower case).
 */
export function parseWebhookUrl(raw: string): { url: URL; hostname: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookTargetError('WEBHOOK_URL_INVALID', 'url must be an absolute http or https URL', 'syntax');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new WebhookTargetError('WEBHOOK_URL_INVALID', 'url must be an absolute http or https URL', 'scheme');
  if (url.username || url.password)
    throw new WebhookTargetError('WEBHOOK_URL_INVALID', 'url must not carry credentials; the signature authenticates biomon', 'credentials');
  const hostname = url.hostname
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.+$/, '')
    .toLowerCase();
  if (!hostname) throw new WebhookTargetError('WEBHOOK_URL_INVALID', 'url must name a host', 'syntax');
  return { url, hostname };
}

const forbidden = (reason: string, hostname: string, internal?: string) =>
  new WebhookTargetError(
    'WEBHOOK_URL_FORBIDDEN',
    `url ${isIP(hostname) ? 'is' : 'resolves to'} ${reasonText(reason)}; webhooks may reach only public addresses${NEVER_ALLOWED.has(reason) ? '' : ' unless BIOMON_WEBHOOK_ALLOW_PRIVATE lists the host'}`,
    reason,
    internal,
  );

async function resolveWithin(resolve: WebhookResolver, hostname: string, timeoutMs: number): Promise<{ address: string; family: number }[]> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      resolve(hostname),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error(`lookup of ${hostname} took longer than ${timeoutMs} ms`), { code: 'ETIMEOUT' })), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Checks a webhook URL and picks the address to connect to. Literal IPs are judged as they are;
 * `localhost` and `*.localhost` are loopback (RFC 6761) and metadata host names are refused,
 * both without a lookup; any other name is resolved (`net.resolve`), and every address it
 * resolves to must be public or allowed: one forbidden address refuses the name, so a round-robin
 * record cannot smuggle an internal address in. Called at creation and again before every try
 * (a DNS answer may change between the two: rebinding); the try connects to the address returned
 * here, with no second lookup.
 */
export async function checkWebhookTarget(raw: string, net: WebhookNetwork, timeoutMs = 10_000): Promise<WebhookTarget> {
  const { url, hostname } = parseWebhookUrl(raw);
  let answers: { address: string; family: number }[];
  if (isIP(hostname)) answers = [{ address: hostname, family: isIP(hostname) }];
  else if (METADATA_HOSTNAMES.has(hostname)) throw forbidden('metadata', hostname);
  else if (hostname === 'localhost' || hostname.endsWith('.localhost')) answers = [{ address: '127.0.0.1', family: 4 }];
  else {
    try {
      answers = await resolveWithin(net.resolve, hostname, timeoutMs);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new WebhookTargetError(
        'WEBHOOK_URL_UNRESOLVABLE',
        'the host name of the url could not be resolved',
        'unresolvable',
        `${e.code ?? ''} ${e.message}`.trim(),
      );
    }
    if (!answers.length)
      throw new WebhookTargetError('WEBHOOK_URL_UNRESOLVABLE', 'the host name of the url could not be resolved', 'unresolvable', 'no addresses');
  }
  let chosen: { address: string; family: 4 | 6 } | null = null;
  for (const a of answers) {
    const reason = classifyAddress(a.address);
    if (reason !== 'public' && !allowedByList(net.allow, hostname, a.address, reason)) throw forbidden(reason, hostname, `${hostname} → ${a.address}`);
    chosen ??= { address: a.address, family: isIP(a.address) === 6 ? 6 : 4 };
  }
  return { url, hostname, ...chosen! };
}

// ---- the connect path -----------------------------------------------------------------------------

/** A `lookup` for http(s).request that answers the checked address and never asks the resolver. */
export function pinnedLookup(target: Pick<WebhookTarget, 'hostname' | 'address' | 'family'>): LookupFunction {
  return ((hostname: string, options: dns.LookupOptions | number | ((...a: unknown[]) => void), callback?: (...a: unknown[]) => void) => {
    const cb = (typeof options === 'function' ? options : callback)!;
    const all = typeof options === 'object' && options !== null && options.all === true;
    if (hostname.replace(/\.+$/, '').toLowerCase() !== target.hostname) {
      cb(Object.assign(new Error(`pinned lookup asked for ${hostname}`), { code: 'ENOTFOUND' }));
      return;
    }
    if (all) cb(null, [{ address: target.address, family: target.family }]);
    else cb(null, target.address, target.family);
  }) as LookupFunction;
}

const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * The default sender: one POST with node:http(s) to exactly the checked address (the `lookup`
 * above; a literal IP is not looked up at all). Host and SNI stay the URL's name, so TLS verifies
 * the receiver's certificate for that name. A fresh connection per try (no agent pool that could
 * hold a socket to another address), redirects are not followed, at most 64 KB of the answer is
 * read, and the whole exchange has `timeoutMs`.
 */
export const sendPinned: WebhookSender = (target, request) =>
  new Promise((resolve, reject) => {
    const { url } = target;
    const isHttps = url.protocol === 'https:';
    const options: https.RequestOptions = {
      method: 'POST',
      hostname: target.hostname,
      port: url.port ? Number(url.port) : isHttps ? 443 : 80,
      path: `${url.pathname}${url.search}`,
      headers: { ...request.headers, host: url.host, 'content-length': String(Buffer.byteLength(request.body)) },
      agent: false,
      lookup: pinnedLookup(target),
      ...(isHttps && !isIP(target.hostname) ? { servername: target.hostname } : {}),
    };
    let settled = false;
    const done = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      f();
    };
    const req = (isHttps ? https : http).request(options, (res) => {
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_ANSWER_BYTES) {
          done(() => resolve({ statusCode: res.statusCode ?? 0 }));
          res.destroy();
        }
      });
      res.on('end', () => done(() => resolve({ statusCode: res.statusCode ?? 0 })));
      res.on('error', (err) => done(() => reject(err)));
    });
    const timer = setTimeout(() => {
      const err = Object.assign(new Error(`no answer within ${request.timeoutMs} ms`), { name: 'TimeoutError', code: 'ETIMEDOUT' });
      done(() => reject(err));
      req.destroy(err);
    }, request.timeoutMs);
    req.on('error', (err) => done(() => reject(err)));
    req.end(request.body);
  });

const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH|EPROTO$)/;

/**
 * A sender's failure as a stable code and a short generic reason: no errno, syscall, address or
 * stack reaches an answer or a stored delivery; those stay in `internal` for the log.
 */
export function describeSendFailure(err: unknown, timeoutMs: number): WebhookTargetError {
  if (err instanceof WebhookTargetError) return err;
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = String(e?.code ?? e?.cause?.code ?? '');
  const internal = [code, e?.syscall, (e as { address?: string })?.address, e?.message].filter(Boolean).join(' ').slice(0, 300);
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError' || code === 'ETIMEDOUT') {
    return new WebhookTargetError('WEBHOOK_TIMEOUT', `no answer within ${timeoutMs} ms`, 'timeout', internal);
  }
  if (TLS_CODES.test(code)) return new WebhookTargetError('WEBHOOK_TLS_FAILED', 'the TLS handshake with the receiver failed', 'tls', internal);
  return new WebhookTargetError('WEBHOOK_CONNECT_FAILED', 'the receiver could not be reached', 'connect', internal);
}
