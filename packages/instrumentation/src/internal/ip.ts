import { BlockList, isIP, isIPv4 } from 'node:net';

/** `::ffff:203.0.113.7` → `203.0.113.7`; strips brackets and a port from `[::1]:80` / `1.2.3.4:80`. */
export function normalizeIp(raw: string): string | undefined {
  let s = raw.trim();
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) return undefined;
    s = s.slice(1, end);
  } else if (s.includes('.') && s.indexOf(':') === s.lastIndexOf(':') && s.includes(':')) {
    s = s.slice(0, s.indexOf(':'));
  }
  const lower = s.toLowerCase();
  if (lower.startsWith('::ffff:') && isIPv4(s.slice(7))) s = s.slice(7);
  return isIP(s) === 0 ? undefined : s;
}

function expandIpv6(addr: string): number[] {
  const [head, tail] = addr.includes('::') ? addr.split('::') : [addr, undefined];
  const parse = (part: string | undefined): number[] =>
    part === undefined || part === '' ? [] : part.split(':').map((h) => parseInt(h, 16));
  const h = parse(head);
  const t = parse(tail);
  if (tail === undefined) return h;
  return [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
}

/**
 * IP truncation from OTel's "handling sensitive data" page: IPv4 drops the last octet (`203.0.113.0`),
 * IPv6 keeps the first 48 bits and zeroes the last 80 (`2001:db8:85a3::`).
 */
export function truncateIp(addr: string): string {
  if (isIPv4(addr)) return `${addr.slice(0, addr.lastIndexOf('.'))}.0`;
  if (addr.includes('.')) return addr; // IPv6 with embedded IPv4 other than ::ffff: is left alone (rare)
  const g = expandIpv6(addr);
  return `${(g[0] ?? 0).toString(16)}:${(g[1] ?? 0).toString(16)}:${(g[2] ?? 0).toString(16)}::`;
}

/** Named ranges accepted in a trusted-proxy list, as Express names them. */
const NAMED_RANGES: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** Compile a list of IPs, CIDRs and named ranges into a predicate; invalid entries are returned as errors. */
export function compileTrustList(entries: readonly string[]): {
  check: (addr: string) => boolean;
  errors: string[];
} {
  const list = new BlockList();
  const errors: string[] = [];
  const add = (entry: string): void => {
    const [ip, prefix] = entry.split('/');
    const addr = ip === undefined ? undefined : normalizeIp(ip);
    if (addr === undefined) {
      errors.push(entry);
      return;
    }
    const type = isIPv4(addr) ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(addr, type);
    else {
      const n = Number(prefix);
      if (!Number.isInteger(n) || n < 0 || n > (type === 'ipv4' ? 32 : 128)) {
        errors.push(entry);
        return;
      }
      list.addSubnet(addr, n, type);
    }
  };
  for (const entry of entries) {
    const named = NAMED_RANGES[entry];
    if (named !== undefined) named.forEach(add);
    else add(entry);
  }
  return {
    check: (addr: string) => list.check(addr, isIPv4(addr) ? 'ipv4' : 'ipv6'),
    errors,
  };
}

/**
 * The client address behind trusted proxies: walk from the socket peer leftwards through
 * `X-Forwarded-For` while the current hop is trusted. An invalid hop stops the walk (its value is spoofable
 * garbage), leaving the last address we can vouch for.
 */
export function clientAddressFromChain(
  peer: string | undefined,
  forwardedFor: string | undefined,
  isTrusted: (addr: string, hop: number) => boolean,
): { address: string; fromPeer: boolean } | undefined {
  const current = peer === undefined ? undefined : normalizeIp(peer);
  if (current === undefined) return undefined;
  if (forwardedFor === undefined || forwardedFor === '') return { address: current, fromPeer: true };
  const hops = forwardedFor.split(',');
  let address = current;
  let hop = 0;
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!isTrusted(address, hop)) break;
    const next = normalizeIp(hops[i]!);
    if (next === undefined) break;
    address = next;
    hop++;
  }
  return { address, fromPeer: hop === 0 };
}
