// The client's address for the login throttle. X-Forwarded-For is read only when the peer on the
// socket is one of the configured trusted proxies (TRUST_PROXY); the address is then the
// rightmost entry that is not itself a trusted proxy, so a client cannot choose its own by
// prepending entries. Without trusted proxies the socket's address is used and the header ignored.
import { BlockList, isIP } from 'node:net';
import type { Context, Next } from 'koa';

/** `::ffff:10.0.0.1` and `10.0.0.1` are one client. */
export function plainAddress(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1]! : address;
}

/** A matcher for the configured list: addresses (`10.0.0.1`, `::1`) and ranges (`10.0.0.0/8`). */
export function trustedProxies(list: readonly string[]): (address: string) => boolean {
  const blocks = new BlockList();
  for (const entry of list) {
    const [addr = '', bits] = entry.split('/');
    const family = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) blocks.addAddress(plainAddress(addr), family);
    else blocks.addSubnet(addr, Number(bits), family);
  }
  return (address) => {
    const a = plainAddress(address);
    const family = isIP(a);
    return family !== 0 && blocks.check(a, family === 6 ? 'ipv6' : 'ipv4');
  };
}

/** The eight 16-bit groups of an IPv6 address (zone dropped, embedded IPv4 read), or undefined. */
function ipv6Groups(address: string): number[] | undefined {
  const a = address.replace(/%.*$/, '');
  if (isIP(a) !== 6) return undefined;
  const dotted = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(a);
  const hex = dotted
    ? `${dotted[1]!}${((Number(dotted[2]) << 8) | Number(dotted[3])).toString(16)}:${((Number(dotted[4]) << 8) | Number(dotted[5])).toString(16)}`
    : a;
  const [head = '', tail] = hex.split('::');
  const part = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/**
 * What the login throttle counts an address under. IPv4: the address. IPv6: its /64, the network
 * one subscriber (a home, a phone, a cloud VM) is given whole, where every address is theirs to
 * pick; counting each address would give them 2^64 fresh counters. Written one way whatever the
 * spelling (`2001:DB8:0::1`, `2001:db8::1`, `::ffff:7f00:1` = `127.0.0.1`).
 */
export function throttleAddressKey(address: string): string {
  const plain = plainAddress(address);
  const groups = ipv6Groups(plain);
  if (!groups) return plain;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}

export function clientAddressOf(peer: string, forwardedFor: string | undefined, trusted: (address: string) => boolean): string {
  let address = plainAddress(peer);
  if (!forwardedFor || !trusted(address)) return address;
  const hops = forwardedFor.split(',').map((h) => h.trim());
  for (let i = hops.length - 1; i >= 0 && trusted(address); i -= 1) {
    const hop = hops[i]!;
    if (isIP(hop) === 0) break; // garbage from beyond the proxies: keep the last trusted hop
    address = plainAddress(hop);
  }
  return address;
}

// What Koa reads when app.proxy is on (ctx.protocol, ctx.secure, ctx.host, ctx.ips).
const FORWARDED = ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host'];

/**
 * Koa middleware: sets ctx.request.ip. With trusted proxies the app runs with Koa's `proxy` on
 * (so HTTPS at the proxy is ctx.secure), and this drops the X-Forwarded-* headers of a peer that
 * is not one of them, so no client can choose its address, protocol or host.
 */
export function clientAddress(trustProxy: readonly string[]) {
  const trusted = trustedProxies(trustProxy);
  return async (ctx: Context, next: Next) => {
    const peer = ctx.req.socket.remoteAddress ?? '';
    if (trustProxy.length > 0 && !trusted(peer)) for (const h of FORWARDED) delete ctx.req.headers[h];
    ctx.request.ip = clientAddressOf(peer, ctx.get('X-Forwarded-For') || undefined, trusted);
    await next();
  };
}
