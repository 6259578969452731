import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import {
  isForbiddenAddress,
  literalAddressRefused,
  makeAddressCheck,
  validateWebhookUrl,
  type TargetPolicy,
} from '../src/webhooks/ssrf-guard.js';
import { sendWebhook, type HostLookup, type SendOptions } from '../src/webhooks/webhook-sender.js';
import { deliveryHeader, signatureHeader, signWebhook, verifyWebhook } from '../src/webhooks/webhook-signature.js';

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

interface Receiver {
  readonly url: string;
  readonly requests: Received[];
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

// Local receivers record what actually arrived over the wire. Linux routes all of 127/8 to
// loopback, so 127.0.0.1 and 127.0.0.2 act as two distinct hosts.
async function listen(server: Server, host: string, scheme: string, handler: Handler): Promise<Receiver> {
  const requests: Received[] = [];
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      handler(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${scheme}://${host}:${port}/hook`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const receiver = (host: string, handler: Handler): Promise<Receiver> => listen(createServer(), host, 'http', handler);
const answer = (status: number): Handler => (_req, res) => res.writeHead(status).end('{"received":true}');

const openPolicy: TargetPolicy = { allowPrivate: true, allowList: [] };
const closedPolicy: TargetPolicy = { allowPrivate: false, allowList: [] };
const options = (policy: TargetPolicy, extra: Partial<SendOptions> = {}): SendOptions => ({ policy, timeoutMs: 3000, maxRedirects: 3, ...extra });

test('isForbiddenAddress refuses private, loopback, link-local and special ranges in every notation', () => {
  const forbidden = [
    '0.0.0.0', '10.1.2.3', '100.64.0.1', '100.127.255.255', '127.0.0.1', '127.255.255.254', '169.254.169.254',
    '172.16.0.1', '172.31.255.255', '192.0.0.8', '192.168.1.1', '198.18.0.1', '198.19.255.255', '224.0.0.1',
    '239.255.255.250', '240.0.0.1', '255.255.255.255',
    '::', '::1', '[::1]', 'fc00::1', 'fd00:ec2::254', 'fe80::1', 'fe80::1%eth0', 'ff02::1',
    '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:169.254.169.254', '::ffff:10.0.0.1', '::127.0.0.1',
    '64:ff9b::127.0.0.1', '64:ff9b::a9fe:a9fe', '2002:7f00:1::1',
    'not-an-ip', '',
  ];
  const allowed = [
    '8.8.8.8', '1.1.1.1', '100.63.255.255', '100.128.0.0', '172.15.255.255', '172.32.0.0', '192.0.1.1',
    '198.17.255.255', '198.20.0.0', '223.255.255.255', '2606:4700::1111', '2001:4860:4860::8888',
    '::ffff:8.8.8.8', '64:ff9b::8.8.8.8',
  ];
  for (const ip of forbidden) assert.equal(isForbiddenAddress(ip), true, `${ip} should be forbidden`);
  for (const ip of allowed) assert.equal(isForbiddenAddress(ip), false, `${ip} should be allowed`);
});

test('makeAddressCheck: allowPrivate admits private addresses but never link-local ones, allowList admits its CIDRs and ports, bad entries throw', () => {
  const open = makeAddressCheck(openPolicy);
  assert.equal(open('127.0.0.1', 80), true);
  assert.equal(open('10.1.2.3', 80), true);
  for (const linkLocal of ['169.254.169.254', '169.254.1.1', 'fe80::1', 'fd00:ec2::254', '::ffff:169.254.169.254', '64:ff9b::a9fe:a9fe']) {
    assert.equal(open(linkLocal, 80), false, `${linkLocal}: metadata and link-local stay closed with allowPrivate`);
  }
  const check = makeAddressCheck({ allowPrivate: false, allowList: ['127.0.0.2/32', '10.0.0.0/8', '::1/128', '127.0.0.1:9000', '[::1]:9001', '169.254.10.0/24:8080'] });
  assert.equal(check('127.0.0.2', 80), true);
  assert.equal(check('::ffff:127.0.0.2', 80), true);
  assert.equal(check('127.0.0.1', 9000), true, 'an address with its port');
  assert.equal(check('127.0.0.1', 9001), false, 'not on another port');
  assert.equal(check('::ffff:127.0.0.1', 9000), true);
  assert.equal(check('10.200.0.1', 443), true);
  assert.equal(check('::1', 5), true);
  assert.equal(check('169.254.169.254', 80), false);
  assert.equal(check('169.254.10.7', 8080), true, 'link-local only where an entry names it');
  assert.equal(check('169.254.10.7', 80), false);
  assert.equal(check('8.8.8.8', 80), true);
  for (const bad of ['10.0.0.0/33', 'example.com/8', '127.0.0.1:0', '127.0.0.1:70000', '::1:9000x', '[::1]:', 'host:80']) {
    assert.throws(() => makeAddressCheck({ allowPrivate: false, allowList: [bad] }), /allow-list/, bad);
  }
});

test('validateWebhookUrl accepts http(s) URLs and rejects the rest with a reason', () => {
  for (const good of ['https://hooks.example.com/rollcall?x=1', 'http://127.0.0.1:8080/hook', 'http://[::1]/h']) {
    const r = validateWebhookUrl(good);
    assert.equal(r.ok, true, good);
  }
  const stripped = validateWebhookUrl('https://example.com/a#frag');
  assert.ok(stripped.ok);
  assert.equal(stripped.url.href, 'https://example.com/a');
  const bad: unknown[] = [
    'ftp://example.com/file', 'file:///etc/passwd', 'javascript:alert(1)', 'http://', '/relative/path', 'not a url',
    'https://user:secret@example.com/', 'https://user@example.com/', `https://example.com/${'a'.repeat(2048)}`,
    42, null, undefined, { href: 'https://example.com' },
  ];
  for (const b of bad) {
    const r = validateWebhookUrl(b);
    assert.equal(r.ok, false, String(b));
    if (!r.ok) assert.ok(r.reason.length > 0);
  }
});

test('literalAddressRefused refuses literal private IPs and localhost names only when the policy forbids them', () => {
  const url = (s: string): URL => new URL(s);
  assert.equal(literalAddressRefused(url('http://127.0.0.1/'), closedPolicy), true);
  assert.equal(literalAddressRefused(url('http://[::ffff:169.254.169.254]/'), closedPolicy), true);
  assert.equal(literalAddressRefused(url('http://localhost:9000/'), closedPolicy), true);
  assert.equal(literalAddressRefused(url('http://api.LOCALHOST./'), closedPolicy), true);
  assert.equal(literalAddressRefused(url('http://127.0.0.1/'), openPolicy), false);
  assert.equal(literalAddressRefused(url('http://127.0.0.2/'), { allowPrivate: false, allowList: ['127.0.0.2/32'] }), false);
  assert.equal(literalAddressRefused(url('http://8.8.8.8/'), closedPolicy), false);
  assert.equal(literalAddressRefused(url('https://hooks.example.com/'), closedPolicy), false); // checked at delivery
});

test('signWebhook/verifyWebhook round trip; tampering, wrong secret and stale timestamps fail', () => {
  const body = '{"event":"bulk.completed"}';
  const header = signWebhook('s3cret', 1_700_000_000, body);
  assert.match(header, /^t=1700000000,v1=[0-9a-f]{64}$/);
  assert.equal(verifyWebhook('s3cret', header, body, 1_700_000_100), true);
  assert.equal(verifyWebhook('s3cret', header, body.replace('completed', 'failed'), 1_700_000_100), false);
  assert.equal(verifyWebhook('other', header, body, 1_700_000_100), false);
  assert.equal(verifyWebhook('s3cret', header, body, 1_700_000_301), false);
  assert.equal(verifyWebhook('s3cret', header, body, 1_700_000_301, 600), true);
  assert.equal(verifyWebhook('s3cret', header.replace('t=1700000000', 't=1700000001'), body, 1_700_000_000), false);
  assert.equal(verifyWebhook('s3cret', 'garbage', body, 1_700_000_000), false);
  assert.equal(verifyWebhook('s3cret', `${header},v1=${'0'.repeat(64)}`, body, 1_700_000_000), true); // rotation
});

test('allowPrivate: a signed POST reaches the receiver; 2xx is ok, 500 is not', async () => {
  const rcv = await receiver('127.0.0.1', answer(202));
  const failing = await receiver('127.0.0.1', answer(500));
  try {
    const body = JSON.stringify({ event: 'bulk.completed', id: 'req_1' });
    const now = Math.floor(Date.now() / 1000);
    const headers = { [signatureHeader]: signWebhook('whsec', now, body), [deliveryHeader]: 'dlv_1' };
    const result = await sendWebhook(rcv.url, body, headers, options(openPolicy));
    assert.deepEqual(result, { ok: true, status: 202, error: null, finalUrl: rcv.url });
    assert.equal(rcv.requests.length, 1);
    const got = rcv.requests[0]!;
    assert.equal(got.method, 'POST');
    assert.equal(got.url, '/hook');
    assert.equal(got.body, body);
    assert.equal(got.headers['content-type'], 'application/json');
    assert.equal(got.headers['user-agent'], 'rollcall-webhooks/1');
    assert.equal(got.headers[deliveryHeader], 'dlv_1');
    assert.equal(verifyWebhook('whsec', String(got.headers[signatureHeader]), got.body, now), true);

    const bad = await sendWebhook(failing.url, body, {}, options(openPolicy));
    assert.equal(bad.ok, false);
    assert.equal(bad.status, 500);
    assert.match(bad.error ?? '', /500/);
    assert.equal(failing.requests.length, 1);
  } finally {
    await rcv.close();
    await failing.close();
  }
});

test('closed policy: a loopback target is refused and never contacted', async () => {
  const rcv = await receiver('127.0.0.1', answer(200));
  try {
    const result = await sendWebhook(rcv.url, '{}', {}, options(closedPolicy));
    assert.equal(result.ok, false);
    assert.equal(result.status, null);
    assert.match(result.error ?? '', /127\.0\.0\.1.*refused.*ROLLCALL_WEBHOOK_ALLOW_PRIVATE=true/);
    // localhost goes through the real resolver and is refused the same way.
    const viaName = await sendWebhook(rcv.url.replace('127.0.0.1', 'localhost'), '{}', {}, options(closedPolicy));
    assert.equal(viaName.ok, false);
    assert.match(viaName.error ?? '', /webhook target localhost resolves to .*refused/);
    assert.equal(rcv.requests.length, 0);
  } finally {
    await rcv.close();
  }
});

test('allowList: 127.0.0.2 is reached, but its redirect to 127.0.0.1 is refused; allowPrivate follows it', async () => {
  const second = await receiver('127.0.0.1', answer(200));
  const first = await receiver('127.0.0.2', (_req, res) => res.writeHead(307, { location: second.url }).end());
  const listed: TargetPolicy = { allowPrivate: false, allowList: ['127.0.0.2/32'] };
  try {
    const refused = await sendWebhook(first.url, '{"n":1}', {}, options(listed));
    assert.equal(refused.ok, false);
    assert.equal(refused.status, null);
    assert.match(refused.error ?? '', /resolves to 127\.0\.0\.1, which is refused/);
    assert.equal(refused.finalUrl, second.url);
    assert.equal(first.requests.length, 1);
    assert.equal(second.requests.length, 0);

    const followed = await sendWebhook(first.url, '{"n":2}', {}, options(openPolicy));
    assert.deepEqual(followed, { ok: true, status: 200, error: null, finalUrl: second.url });
    assert.equal(second.requests.length, 1);
    assert.equal(second.requests[0]!.method, 'POST');
    assert.equal(second.requests[0]!.body, '{"n":2}'); // 307 re-POSTs the same body

    const limited = await sendWebhook(first.url, '{"n":3}', {}, options(openPolicy, { maxRedirects: 0 }));
    assert.equal(limited.ok, false);
    assert.equal(limited.status, 307);
    assert.match(limited.error ?? '', /redirected more than 0 times/);
    assert.equal(second.requests.length, 1);
  } finally {
    await first.close();
    await second.close();
  }
});

test('hostnames: every resolved address is checked, and the checked address is the one connected to', async () => {
  const calls: string[] = [];
  const fakeDns = (answers: Record<string, string[]>): HostLookup => async (hostname) => {
    calls.push(hostname);
    return (answers[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  const rcv = await receiver('127.0.0.2', answer(204));
  const port = new URL(rcv.url).port;
  const listed: TargetPolicy = { allowPrivate: false, allowList: ['127.0.0.2/32'] };
  try {
    const lookup = fakeDns({
      'metadata.test': ['169.254.169.254'],
      'mixed.test': ['203.0.113.10', '127.0.0.1'],
      'hook.test': ['127.0.0.2'],
    });
    const metadata = await sendWebhook('http://metadata.test/latest/meta-data', '{}', {}, options(closedPolicy, { lookup }));
    assert.equal(metadata.ok, false);
    assert.equal(metadata.status, null);
    assert.match(metadata.error ?? '', /webhook target metadata\.test resolves to 169\.254\.169\.254, which is refused/);

    const mixed = await sendWebhook(`http://mixed.test:${port}/hook`, '{}', {}, options(listed, { lookup }));
    assert.match(mixed.error ?? '', /mixed\.test resolves to 127\.0\.0\.1/);

    const reached = await sendWebhook(`http://hook.test:${port}/hook`, '{"via":"name"}', {}, options(listed, { lookup }));
    assert.deepEqual(reached, { ok: true, status: 204, error: null, finalUrl: `http://hook.test:${port}/hook` });
    assert.equal(rcv.requests.length, 1);
    assert.equal(rcv.requests[0]!.headers.host, `hook.test:${port}`);
    assert.deepEqual(calls, ['metadata.test', 'mixed.test', 'hook.test']); // one lookup per delivery

    const unknown = await sendWebhook('http://nowhere.test/', '{}', {}, options(openPolicy, { lookup }));
    assert.equal(unknown.ok, false);
    assert.match(unknown.error ?? '', /did not resolve/);
  } finally {
    await rcv.close();
  }
});

test('https: the checked address is used while the certificate is verified against the hostname', async () => {
  const pems = await generate([{ name: 'commonName', value: 'hook.test' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'hook.test' }] }],
  });
  const rcv = await listen(createHttpsServer({ key: pems.private, cert: pems.cert }), '127.0.0.2', 'https', answer(200));
  const port = new URL(rcv.url).port;
  const lookup: HostLookup = async () => [{ address: '127.0.0.2', family: 4 }];
  const listed: TargetPolicy = { allowPrivate: false, allowList: ['127.0.0.2/32'] };
  try {
    const ok = await sendWebhook(`https://hook.test:${port}/hook`, '{}', {}, options(listed, { lookup, ca: pems.cert }));
    assert.equal(ok.ok, true, ok.error ?? '');
    const untrusted = await sendWebhook(`https://hook.test:${port}/hook`, '{}', {}, options(listed, { lookup }));
    assert.equal(untrusted.ok, false);
    assert.equal(untrusted.status, null);
    assert.equal(rcv.requests.length, 1);
  } finally {
    await rcv.close();
  }
});

test('a receiver that never answers times out after timeoutMs', async () => {
  const rcv = await receiver('127.0.0.1', () => {}); // reads the request, never responds
  try {
    const started = Date.now();
    const result = await sendWebhook(rcv.url, '{}', {}, options(openPolicy, { timeoutMs: 300 }));
    const elapsed = Date.now() - started;
    assert.equal(result.ok, false);
    assert.equal(result.status, null);
    assert.match(result.error ?? '', /timed out after 300 ms/);
    assert.ok(elapsed >= 250 && elapsed < 2000, `took ${elapsed} ms`);
    assert.equal(rcv.requests.length, 1);
  } finally {
    await rcv.close();
  }
});

test('large response bodies are cut off instead of read to the end', async () => {
  const rcv = await receiver('127.0.0.1', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    // Keep writing for as long as the client keeps reading: ~100 MB unless the sender stops.
    let left = 1600;
    const pump = (): void => {
      while (left > 0) {
        left--;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    res.on('close', () => {
      left = 0;
    });
    pump();
  });
  try {
    const result = await sendWebhook(rcv.url, '{}', {}, options(openPolicy, { timeoutMs: 5000 }));
    assert.deepEqual(result, { ok: true, status: 200, error: null, finalUrl: rcv.url });
  } finally {
    await rcv.close();
  }
});
