/**
 * Simulated client addresses, only from the documentation ranges of RFC 5737 (never routable, never a real
 * person): 198.51.100.0/24 (TEST-NET-2) for legitimate customers and staff, 203.0.113.0/24 (TEST-NET-3) for
 * single attackers, 192.0.2.0/24 (TEST-NET-1) for a botnet. They only travel in the `X-Forwarded-For` header;
 * all real traffic stays on 127.0.0.1.
 */
export const CUSTOMER_NET = '198.51.100';
export const ATTACKER_NET = '203.0.113';
export const BOTNET_NET = '192.0.2';

export function address(net: string, host: number): string {
  if (!Number.isInteger(host) || host < 1 || host > 254) throw new RangeError(`host ${host} out of range`);
  return `${net}.${host}`;
}

/** True when `ip` is in one of the three documentation ranges. */
export function isDocumentationAddress(ip: string): boolean {
  return [CUSTOMER_NET, ATTACKER_NET, BOTNET_NET].some((net) => ip.startsWith(`${net}.`));
}
