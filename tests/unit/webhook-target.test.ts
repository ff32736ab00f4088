import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig } from '@biomon/config';
import {
  checkWebhookTarget,
  classifyAddress,
  pinnedLookup,
  postSigned,
  webhookNetwork,
  WebhookTargetError,
  type WebhookResolver,
  type WebhookSender,
} from '@biomon/alerts';
import { guardSystemDns } from '../support/alerts';

// The webhook target rules (issue 14, "Webhook URLs") without any network: every resolver is a
// fake, every sender a spy, and the system resolver is guarded so no test here sends a packet,
// not even a DNS query. The expected categories are the IANA special-purpose ranges, by hand.

let dnsGuard: ReturnType<typeof guardSystemDns>;
beforeAll(() => {
  dnsGuard = guardSystemDns([]);
});
afterAll(() => {
  dnsGuard.restore();
  // nothing in this file may have asked the system resolver
  expect(dnsGuard.names).toEqual([]);
});

/** A resolver answering fixed addresses, recording the names it was asked. */
function fakeResolver(...addresses: string[]): WebhookResolver & { asked: string[] } {
  const asked: string[] = [];
  const f = (async (hostname: string) => {
    asked.push(hostname);
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  }) as WebhookResolver & { asked: string[] };
  f.asked = asked;
  return f;
}
const neverResolve: WebhookResolver = async (h) => {
  throw new Error(`resolver must not be asked (${h})`);
};
/** The connect path as a spy: records the call and connects nowhere. */
const spySender = () => vi.fn<WebhookSender>(async () => ({ statusCode: 200 }));

async function refusal(url: string, net = webhookNetwork({ resolve: neverResolve })): Promise<WebhookTargetError> {
  try {
    await checkWebhookTarget(url, net);
  } catch (err) {
    if (err instanceof WebhookTargetError) return err;
    throw err;
  }
  throw new Error(`${url} was not refused`);
}

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.5', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['169.254.1.1', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['febf::1', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.127.255.254', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    // IPv4-mapped IPv6 is judged as its IPv4 address
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.5', 'private'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    // IPv4 embedded otherwise: NAT64, 6to4, the deprecated IPv4-compatible form
    ['64:ff9b::7f00:1', 'rfc6052'],
    ['2002:7f00:1::', '6to4'],
    ['::7f00:1', 'reserved'],
    ['fec0::1', 'deprecatedSiteLocal'],
    ['8.8.8.8', 'public'],
    ['93.184.215.14', 'public'],
    ['100.63.255.255', 'public'],
    ['100.128.0.0', 'public'],
    ['172.32.0.1', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['2400:3200::1', 'public'],
    ['not an address', 'invalid'],
  ])('%s is %s', (address, category) => {
    expect(classifyAddress(address)).toBe(category);
  });
});

describe('checkWebhookTarget', () => {
  it.each([
    ['http://127.0.0.1/', 'loopback'],
    ['http://2130706433/', 'loopback'], // decimal
    ['http://0x7f.1/', 'loopback'], // hex, two parts
    ['http://0x7f000001/', 'loopback'],
    ['http://017700000001/', 'loopback'], // octal
    ['http://0177.0.0.1/', 'loopback'],
    ['http://127.1/', 'loopback'],
    ['http://%31%32%37.0.0.1/', 'loopback'],
    ['http://１２７.０.０.１/', 'loopback'], // full-width digits
    ['http://127。0。0。1/', 'loopback'], // ideographic full stops
    ['http://[::1]/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[0:0:0:0:0:ffff:7f00:1]/', 'loopback'],
    ['http://[::127.0.0.1]/', 'reserved'],
    ['http://localhost/', 'loopback'],
    ['http://LOCALHOST./', 'loopback'],
    ['http://hooks.localhost:8080/', 'loopback'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://0/', 'unspecified'],
    ['http://[::]/', 'unspecified'],
    ['http://10.0.0.5/', 'private'],
    ['https://172.16.5.4/', 'private'],
    ['http://192.168.0.1:8080/', 'private'],
    ['http://0xa000005/', 'private'],
    ['http://[fd00::1]/', 'uniqueLocal'],
    ['http://[fe80::1]/', 'linkLocal'],
    ['http://169.254.1.1/', 'linkLocal'],
    ['http://100.64.0.1/', 'carrierGradeNat'],
    ['http://169.254.169.254/latest/meta-data/', 'metadata'],
    ['http://2852039166/', 'metadata'],
    ['http://0xa9.0xfe.0xa9.0xfe/', 'metadata'],
    ['http://[::ffff:169.254.169.254]/', 'metadata'],
    ['http://[fd00:ec2::254]/', 'metadata'],
    ['http://100.100.100.200/', 'metadata'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'metadata'],
    ['http://METADATA.google.internal./', 'metadata'],
    ['http://metadata/', 'metadata'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://255.255.255.255/', 'broadcast'],
    ['http://[64:ff9b::a00:5]/', 'rfc6052'],
    ['http://[2002:a00:5::]/', '6to4'],
  ])('refuses %s (%s) without asking the resolver', async (url, reason) => {
    const e = await refusal(url);
    expect(e.code).toBe('WEBHOOK_URL_FORBIDDEN');
    expect(e.reason).toBe(reason);
  });

  it.each([
    ['ftp://example.org/hook', 'scheme'],
    ['file:///etc/passwd', 'scheme'],
    ['gopher://127.0.0.1:6379/_', 'scheme'],
    ['javascript:alert(1)', 'scheme'],
    ['https://user:pass@example.org/hook', 'credentials'],
    ['https://token@example.org/hook', 'credentials'],
    ['not a url', 'syntax'],
  ])('refuses %s as invalid (%s)', async (url, reason) => {
    const e = await refusal(url);
    expect(e.code).toBe('WEBHOOK_URL_INVALID');
    expect(e.reason).toBe(reason);
  });

  it('resolves a name and refuses it when any of its addresses is forbidden', async () => {
    for (const [answers, reason] of [
      [['10.0.0.5'], 'private'],
      [['169.254.169.254'], 'metadata'],
      [['::ffff:127.0.0.1'], 'loopback'],
      [['fd00:ec2::254'], 'metadata'],
      [['93.184.215.14', '10.0.0.5'], 'private'],
      [['2606:4700:4700::1111', '::1'], 'loopback'],
      [['8.8.8.8', '100.64.3.2'], 'carrierGradeNat'],
    ] as [string[], string][]) {
      const resolve = fakeResolver(...answers);
      const e = await refusal('https://hooks.example.org/x', webhookNetwork({ resolve }));
      expect([answers, e.code, e.reason]).toEqual([answers, 'WEBHOOK_URL_FORBIDDEN', reason]);
      expect(resolve.asked).toEqual(['hooks.example.org']);
      // the reason names the category, never the address it resolved to
      for (const a of answers) expect(e.message).not.toContain(a);
    }
  });

  it('accepts a public name and connects to the first checked address', async () => {
    const resolve = fakeResolver('93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c');
    const target = await checkWebhookTarget('https://Hooks.Example.org./x?y=1', webhookNetwork({ resolve }));
    expect(target).toMatchObject({ hostname: 'hooks.example.org', address: '93.184.215.14', family: 4 });
    expect(target.url.href).toBe('https://hooks.example.org./x?y=1');
  });

  it('refuses a name that does not resolve, or resolves to nothing, with a generic reason', async () => {
    const failing: WebhookResolver = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.example.org'), { code: 'ENOTFOUND', syscall: 'getaddrinfo' });
    };
    const e = await refusal('https://nowhere.example.org/', webhookNetwork({ resolve: failing }));
    expect([e.code, e.message]).toEqual(['WEBHOOK_URL_UNRESOLVABLE', 'the host name of the url could not be resolved']);
    expect(e.internal).toContain('ENOTFOUND');
    expect((await refusal('https://empty.example.org/', webhookNetwork({ resolve: fakeResolver() }))).code).toBe('WEBHOOK_URL_UNRESOLVABLE');
    const slow: WebhookResolver = () => new Promise(() => undefined);
    const t0 = Date.now();
    await expect(checkWebhookTarget('https://slow.example.org/', webhookNetwork({ resolve: slow }), 100)).rejects.toMatchObject({
      code: 'WEBHOOK_URL_UNRESOLVABLE',
    });
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('lets BIOMON_WEBHOOK_ALLOW_PRIVATE entries through: addresses, blocks and host names, but never metadata, unspecified or multicast', async () => {
    const net = (allowPrivate: string[], ...answers: string[]) =>
      webhookNetwork({ allowPrivate, resolve: answers.length ? fakeResolver(...answers) : neverResolve });
    expect((await checkWebhookTarget('http://127.0.0.1:8080/', net(['127.0.0.1']))).address).toBe('127.0.0.1');
    expect((await checkWebhookTarget('http://[::ffff:127.0.0.1]/', net(['127.0.0.1']))).address).toBe('::ffff:7f00:1');
    expect((await checkWebhookTarget('http://localhost/', net(['127.0.0.1']))).address).toBe('127.0.0.1');
    expect((await checkWebhookTarget('http://localhost/', net(['localhost']))).address).toBe('127.0.0.1');
    expect((await refusal('http://127.0.0.2/', net(['127.0.0.1']))).reason).toBe('loopback');
    expect((await refusal('http://[::1]/', net(['127.0.0.1']))).reason).toBe('loopback');
    expect((await checkWebhookTarget('http://10.20.30.40/', net(['10.0.0.0/8']))).address).toBe('10.20.30.40');
    expect((await refusal('http://11.0.0.1.example/', net(['10.0.0.0/8'], '172.16.0.1'))).reason).toBe('private');
    expect((await checkWebhookTarget('http://[fd12::5]/', net(['fd12::/16']))).address).toBe('fd12::5');
    expect((await checkWebhookTarget('http://hooks.internal/', net(['hooks.internal'], '10.1.2.3', '10.1.2.4'))).address).toBe('10.1.2.3');
    expect((await refusal('http://other.internal/', net(['hooks.internal'], '10.1.2.3'))).reason).toBe('private');
    // a listed name or block never opens metadata, unspecified, multicast or broadcast addresses
    expect((await refusal('http://hooks.internal/', net(['hooks.internal'], '169.254.169.254'))).reason).toBe('metadata');
    expect((await refusal('http://169.254.169.254/', net(['169.254.0.0/16']))).reason).toBe('metadata');
    expect((await refusal('http://0.0.0.0/', net(['0.0.0.0/8']))).reason).toBe('unspecified');
    expect((await refusal('http://224.0.0.1/', net(['224.0.0.0/4']))).reason).toBe('multicast');
    expect((await refusal('http://metadata.google.internal/', net(['metadata.google.internal']))).reason).toBe('metadata');
  });
});

describe('postSigned', () => {
  it('refuses before the connect path is called, and answers a stable code and a generic reason', async () => {
    for (const answers of [['10.0.0.5'], ['169.254.169.254'], ['::ffff:127.0.0.1'], ['93.184.215.14', '192.168.1.1']]) {
      const send = spySender();
      const resolve = fakeResolver(...answers);
      const r = await postSigned('https://hooks.example.org/x', 'whsec-0123456789-abcdef', 'k', 'ping', '{}', 1000, webhookNetwork({ resolve, send }));
      expect(r).toMatchObject({ delivered: false, statusCode: null, errorCode: 'WEBHOOK_URL_FORBIDDEN', refused: true });
      expect(send).not.toHaveBeenCalled();
      expect(resolve.asked).toEqual(['hooks.example.org']);
    }
  });

  it('sends to the checked target through the connect path, signed', async () => {
    const send = spySender();
    const r = await postSigned(
      'https://hooks.example.org/x',
      'whsec-0123456789-abcdef',
      'k1',
      'ping',
      '{"a":1}',
      1000,
      webhookNetwork({ resolve: fakeResolver('93.184.215.14'), send }),
    );
    expect(r).toMatchObject({ delivered: true, statusCode: 200, error: null, errorCode: null, refused: false });
    expect(send).toHaveBeenCalledTimes(1);
    const [target, request] = send.mock.calls[0];
    expect(target).toMatchObject({ hostname: 'hooks.example.org', address: '93.184.215.14', family: 4 });
    expect(request.headers).toMatchObject({
      'x-biomon-delivery': 'k1',
      'x-biomon-event': 'ping',
      'x-biomon-signature': expect.stringMatching(/^sha256=[0-9a-f]{64}$/),
    });
  });

  it('turns a connection error into a code and a generic reason: no errno, syscall, address or stack', async () => {
    const cases: [Error, string, string][] = [
      [
        Object.assign(new Error('connect ECONNREFUSED 93.184.215.14:443'), {
          code: 'ECONNREFUSED',
          errno: -111,
          syscall: 'connect',
          address: '93.184.215.14',
          port: 443,
        }),
        'WEBHOOK_CONNECT_FAILED',
        'the receiver could not be reached',
      ],
      [Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', syscall: 'read' }), 'WEBHOOK_CONNECT_FAILED', 'the receiver could not be reached'],
      [Object.assign(new Error('no answer within 1000 ms'), { name: 'TimeoutError', code: 'ETIMEDOUT' }), 'WEBHOOK_TIMEOUT', 'no answer within 1000 ms'],
      [
        Object.assign(new Error("Hostname/IP does not match certificate's altnames"), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }),
        'WEBHOOK_TLS_FAILED',
        'the TLS handshake with the receiver failed',
      ],
      [
        Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }),
        'WEBHOOK_TLS_FAILED',
        'the TLS handshake with the receiver failed',
      ],
    ];
    for (const [err, code, message] of cases) {
      const send = vi.fn<WebhookSender>(async () => {
        throw err;
      });
      const r = await postSigned(
        'https://hooks.example.org/x',
        'whsec-0123456789-abcdef',
        'k',
        'ping',
        '{}',
        1000,
        webhookNetwork({ resolve: fakeResolver('93.184.215.14'), send }),
      );
      expect(r).toMatchObject({ delivered: false, statusCode: null, errorCode: code, error: message, refused: false });
      expect(r.error).not.toMatch(/ECONN|errno|syscall|connect |93\.184|:443|\n\s+at /);
    }
  });
});

describe('pinnedLookup', () => {
  it('answers the checked address in both callback forms and refuses any other name', () => {
    const lookup = pinnedLookup({ hostname: 'hooks.example.org', address: '93.184.215.14', family: 4 });
    const one = vi.fn();
    lookup('hooks.example.org', {}, one);
    expect(one).toHaveBeenCalledWith(null, '93.184.215.14', 4);
    const all = vi.fn();
    lookup('hooks.example.org', { all: true }, all);
    expect(all).toHaveBeenCalledWith(null, [{ address: '93.184.215.14', family: 4 }]);
    const other = vi.fn();
    lookup('evil.example.org', {}, other);
    expect(other.mock.calls[0][0]).toMatchObject({ code: 'ENOTFOUND' });
  });
});

describe('BIOMON_WEBHOOK_ALLOW_PRIVATE', () => {
  it('is empty by default and reads host names, addresses and CIDR blocks', () => {
    expect(loadConfig({}).alerts.webhookAllowPrivate).toEqual([]);
    expect(loadConfig({ BIOMON_WEBHOOK_ALLOW_PRIVATE: ' 127.0.0.1, 10.0.0.0/8 ,Hooks.Internal., fd00::/8,[::1],, ' }).alerts.webhookAllowPrivate).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      'hooks.internal',
      'fd00::/8',
      '::1',
    ]);
  });

  it('stops the process on a bad entry, naming it', () => {
    for (const bad of ['10.0.0.0/33', '0.0.0.0/0', '::/0', 'not a host', '10.0.0/8', 'http://x', '1.2.3']) {
      try {
        loadConfig({ BIOMON_WEBHOOK_ALLOW_PRIVATE: bad });
        expect.unreachable(bad);
      } catch (e) {
        expect(e, bad).toBeInstanceOf(ConfigError);
        expect((e as Error).message).toContain(`BIOMON_WEBHOOK_ALLOW_PRIVATE: "${bad}"`);
      }
    }
  });
});
