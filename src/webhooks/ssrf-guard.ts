// Decides which network addresses an outgoing webhook may reach. Webhook URLs come from API
// callers, so without this a caller could make the server POST to its own loopback services,
// the LAN, or a cloud metadata endpoint (server-side request forgery).
import { BlockList, isIP } from 'node:net';

export interface TargetPolicy {
  /**
   * Allow private, loopback and other special addresses (trusted single-tenant deployments, local
   * testing) — never link-local ones, where cloud metadata services answer, unless allow-listed.
   */
  readonly allowPrivate: boolean;
  /**
   * Addresses allowed even when refused otherwise: a CIDR (`10.0.0.0/8`, `::1/128`: any port) or
   * an address or CIDR with a port (`127.0.0.1:9000`, `[::1]:9000`, `10.0.0.0/8:8443`).
   */
  readonly allowList: readonly string[];
}

// Link-local addresses, where cloud metadata services answer (169.254.169.254, fd00:ec2::254):
// refused even with allowPrivate, unless an allow-list entry names them.
const linkLocalV4 = buildList([['169.254.0.0', 16]], 'ipv4');
const linkLocalV6 = buildList([['fe80::', 10], ['fd00:ec2::254', 128]], 'ipv6');

// Special-purpose IPv4 ranges (RFC 6890 and friends) a webhook has no business reaching.
const forbiddenV4: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8], // "this network"; 0.0.0.0 reaches the local host on Linux
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, includes the 169.254.169.254 metadata service
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, includes 255.255.255.255
];

const forbiddenV6: readonly (readonly [string, number])[] = [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // unique local, includes fd00:ec2::254 (AWS metadata over IPv6)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // deprecated site-local, still routed privately by some stacks
  ['ff00::', 8], // multicast
];

function buildList(ranges: readonly (readonly [string, number])[], type: 'ipv4' | 'ipv6'): BlockList {
  const list = new BlockList();
  for (const [net, prefix] of ranges) list.addSubnet(net, prefix, type);
  return list;
}

const blockedV4 = buildList(forbiddenV4, 'ipv4');
const blockedV6 = buildList(forbiddenV6, 'ipv6');

/** Strips URL brackets (`[::1]`) and an IPv6 zone id (`fe80::1%eth0`); returns '' when not an IP. */
function normalizeIp(raw: string): string {
  let ip = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  const zone = ip.indexOf('%');
  if (zone !== -1) ip = ip.slice(0, zone);
  return isIP(ip) === 0 ? '' : ip;
}

/** Expands a valid IPv6 address into its 16 bytes (handles `::` and a trailing dotted quad). */
function ipv6Bytes(ip: string): number[] {
  let text = ip;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    for (const part of text.slice(lastColon + 1).split('.')) tail.push(Number(part));
    text = `${text.slice(0, lastColon + 1)}0:0`; // placeholder groups, replaced below
  }
  const [head = '', rest] = text.split('::');
  const groups = (s: string | undefined): string[] => (s ? s.split(':') : []);
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const missing = 8 - left.length - right.length;
  const all = [...left, ...Array<string>(rest === undefined ? 0 : missing).fill('0'), ...right];
  const bytes = all.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}

// IPv6 forms that carry an IPv4 address: a packet to them ends up at that IPv4 address (the
// kernel for mapped/compatible, a translator for NAT64/6to4), so they are judged by it.
const embeddingPrefixes: readonly { readonly prefix: readonly number[]; readonly at: number }[] = [
  { prefix: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff], at: 12 }, // ::ffff:a.b.c.d (mapped)
  { prefix: [0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0], at: 12 }, // ::ffff:0:a.b.c.d (SIIT)
  { prefix: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], at: 12 }, // ::a.b.c.d (compatible)
  { prefix: [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0], at: 12 }, // 64:ff9b::/96 (NAT64)
  { prefix: [0, 0x64, 0xff, 0x9b, 0, 1], at: 12 }, // 64:ff9b:1::/48 (local-use NAT64)
  { prefix: [0x20, 0x02], at: 2 }, // 2002::/16 (6to4)
];

/** The IPv4 address embedded in an IPv6 address, or null. */
function embeddedIpv4(ip: string): string | null {
  if (isIP(ip) !== 6) return null;
  const bytes = ipv6Bytes(ip);
  for (const { prefix, at } of embeddingPrefixes) {
    if (prefix.every((b, i) => bytes[i] === b)) return bytes.slice(at, at + 4).join('.');
  }
  return null;
}

/** True when a webhook must not reach `ip` by default. Anything that is not an IP is refused. */
export function isForbiddenAddress(ip: string): boolean {
  const addr = normalizeIp(ip);
  if (addr === '') return true;
  if (isIP(addr) === 4) return blockedV4.check(addr, 'ipv4');
  if (blockedV6.check(addr, 'ipv6')) return true;
  const v4 = embeddedIpv4(addr);
  return v4 !== null && blockedV4.check(v4, 'ipv4');
}

/** Whether a webhook may reach `ip` (on `port`); also true for a link-local address only when allow-listed. */
export type AddressCheck = (ip: string, port: number) => boolean;

function isLinkLocal(ip: string): boolean {
  if (isIP(ip) === 4) return linkLocalV4.check(ip, 'ipv4');
  if (linkLocalV6.check(ip, 'ipv6')) return true;
  const v4 = embeddedIpv4(ip);
  return v4 !== null && linkLocalV4.check(v4, 'ipv4');
}

/** One allow-list entry: `net[/prefix][:port]`, IPv6 in brackets when it has a port. */
function parseAllowEntry(entry: string): { net: string; prefix: number; family: 4 | 6; port: number | null } {
  const text = entry.trim();
  const bad = (): never => {
    throw new Error(`invalid webhook allow-list entry "${entry}" (expected a CIDR such as 10.0.0.0/8, or an address with a port such as 127.0.0.1:9000)`);
  };
  let body = text;
  let port: number | null = null;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) {
    body = bracketed[1]!;
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
  } else {
    const withPort = /^([0-9.]+(?:\/\d+)?):(\d+)$/.exec(text);
    if (withPort) {
      body = withPort[1]!;
      port = Number(withPort[2]);
    }
  }
  if (port !== null && !(Number.isInteger(port) && port >= 1 && port <= 65535)) bad();
  const [net = '', prefixText, extra] = body.split('/');
  const family = isIP(net);
  if (family === 0 || extra !== undefined) bad();
  const max = family === 6 ? 128 : 32;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) bad();
  return { net, prefix, family: family as 4 | 6, port };
}

/** Builds the allow-check for a policy; throws on a malformed allowList entry (a config error). */
export function makeAddressCheck(policy: TargetPolicy): AddressCheck {
  const entries = policy.allowList.map((entry) => {
    const e = parseAllowEntry(entry);
    const list = new BlockList();
    list.addSubnet(e.net, e.prefix, e.family === 6 ? 'ipv6' : 'ipv4');
    return { list, port: e.port };
  });
  const inAllowList = (ip: string, port: number): boolean => {
    // 127.0.0.2/32 also admits ::ffff:127.0.0.2, since that is the same destination.
    const v4 = embeddedIpv4(ip);
    return entries.some((e) => (e.port === null || e.port === port)
      && (e.list.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4') || (v4 !== null && e.list.check(v4, 'ipv4'))));
  };
  return (raw, port) => {
    const ip = normalizeIp(raw);
    if (ip === '') return false;
    if (inAllowList(ip, port)) return true;
    if (isLinkLocal(ip)) return false;
    return policy.allowPrivate || !isForbiddenAddress(ip);
  };
}

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

export const maxWebhookUrlLength = 2048;

/** Syntactic check when a webhook URL is submitted; address checks happen at delivery time. */
export function validateWebhookUrl(raw: unknown): UrlCheck {
  if (typeof raw !== 'string') return { ok: false, reason: 'webhook URL must be a string' };
  if (raw.length > maxWebhookUrlLength) return { ok: false, reason: `webhook URL is longer than ${maxWebhookUrlLength} characters` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'webhook URL is not a valid absolute URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: 'webhook URL must use http or https' };
  if (url.hostname === '') return { ok: false, reason: 'webhook URL has no host' };
  // Credentials in the URL would be sent in clear to whatever the URL redirects to, and logged.
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'webhook URL must not contain credentials' };
  url.hash = ''; // never sent over the wire anyway
  return { ok: true, url };
}

// Names that resolve to loopback without DNS (RFC 6761 and common /etc/hosts entries).
const loopbackV6Names = new Set(['ip6-localhost', 'ip6-loopback']);
function loopbackName(host: string): string | null {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost') || name === 'localhost.localdomain') return '127.0.0.1';
  return loopbackV6Names.has(name) ? '::1' : null;
}

/** Up-front refusal of literal IPs (and localhost names) the policy forbids; other hostnames pass. */
export function literalAddressRefused(url: URL, policy: TargetPolicy): boolean {
  const ip = normalizeIp(url.hostname) || loopbackName(url.hostname);
  return ip !== null && !makeAddressCheck(policy)(ip, Number(url.port) || (url.protocol === 'https:' ? 443 : 80));
}

/** A webhook target resolved to an address the policy refuses. */
export class WebhookTargetError extends Error {
  override readonly name = 'WebhookTargetError';
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(
      `webhook target ${host} resolves to ${address}, which is refused (loopback/private/link-local); ` +
        'set ROLLCALL_WEBHOOK_ALLOW_PRIVATE=true to allow it',
    );
  }
}
