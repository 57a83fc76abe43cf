import { BlockList, isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { Middleware } from 'koa';

/**
 * Who the client is. X-Forwarded-For is believed only from the balancers named in TRUST_PROXY
 * (addresses or CIDR ranges), read right to left past every trusted hop, so a client cannot
 * choose its own address by sending the header, directly or through nginx. Every address is
 * normalised before it becomes part of a key: IPv4-mapped IPv6 becomes IPv4, IPv6 its canonical
 * short form; an entry that does not parse ends the walk at the last address we trust.
 *
 * Written here rather than with proxy-addr: Node's BlockList does the CIDR matching, and
 * proxy-addr hands back a hop that does not parse as the client, which we must not key on.
 */
export interface TrustedProxies {
  /** The list as given, normalised, for the logs and the README's checks. */
  readonly entries: readonly string[];
  has(address: string): boolean;
}

const NONE: TrustedProxies = { entries: [], has: () => false };

/** Parses TRUST_PROXY: `127.0.0.1`, `10.0.0.0/8,::1`, …; empty trusts no one. */
export function trustedProxies(spec: string): TrustedProxies {
  const items = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) return NONE;
  const list = new BlockList();
  const entries: string[] = [];
  for (const item of items) {
    const [addr = '', bits, ...rest] = item.split('/');
    const ip = normaliseIp(addr);
    const family = ip ? isIP(ip) : 0;
    const max = family === 4 ? 32 : 128;
    const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
    if (!ip || rest.length > 0 || !(prefix >= 0 && prefix <= max)) {
      throw new Error(
        `takes the balancer's addresses or CIDR ranges, comma-separated (e.g. 127.0.0.1 or 10.0.0.0/8,::1), not "${item.slice(0, 60)}"`,
      );
    }
    list.addSubnet(ip, prefix, family === 4 ? 'ipv4' : 'ipv6');
    entries.push(prefix === max ? ip : `${ip}/${prefix}`);
  }
  return {
    entries,
    has: (address) => {
      const ip = normaliseIp(address);
      return ip !== null && list.check(ip, isIP(ip) === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/** An address in one spelling, or null: IPv4 dotted, IPv6 compressed lower case, mapped → IPv4. */
export function normaliseIp(raw: string): string | null {
  const s = raw.trim();
  if (s.length > 45 || s.includes('%')) return null;
  const family = isIP(s);
  if (family === 4) return s;
  if (family !== 6) return null;
  // The WHATWG URL parser prints IPv6 in its canonical form (RFC 5952).
  const canonical = new URL(`http://[${s}]`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (mapped) {
    const hi = parseInt(mapped[1]!, 16);
    const lo = parseInt(mapped[2]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return canonical;
}

/**
 * The client's address: the socket's, unless the socket is a trusted balancer; then the
 * forwarded hops from the right, skipping trusted ones, up to the first that is not.
 */
export function clientIp(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trusted: TrustedProxies,
): string {
  let client = normaliseIp(socketAddress ?? '') ?? '';
  if (!client || !trusted.has(client) || !forwardedFor) return client;
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
  // Only the last hops can matter; a long header is not walked further than this.
  const hops = header.slice(-1024).split(',').slice(-16);
  for (let i = hops.length - 1; i >= 0; i -= 1) {
    const hop = normaliseIp(hops[i]!);
    if (!hop) return client;
    client = hop;
    if (!trusted.has(hop)) return client;
  }
  return client;
}

/**
 * The key a per-address limit counts under: an IPv4 address, or an IPv6 address's /64 (one
 * customer's network, whose 2^64 addresses would otherwise each get a fresh limit).
 */
export function addressKey(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const full = expandIpv6(ip);
  return `${full.slice(0, 4).join(':')}::/64`;
}

function expandIpv6(ip: string): string[] {
  const [head = '', tail] = ip.split('::');
  const a = head ? head.split(':') : [];
  const b = tail ? tail.split(':') : [];
  const groups = [...a, ...Array<string>(8 - a.length - b.length).fill('0'), ...b];
  return groups.map((g) => String(parseInt(g, 16).toString(16)));
}

/** The request's client address, as `clientIp` reads it (for routes outside Koa). */
export function requestIp(req: IncomingMessage, trusted: TrustedProxies): string {
  return clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for'], trusted);
}

/** Sets `ctx.ip` once per request; Koa's own proxy handling stays off. */
export function clientAddress(trusted: TrustedProxies): Middleware {
  return (ctx, next) => {
    ctx.request.ip = requestIp(ctx.req, trusted);
    return next();
  };
}
