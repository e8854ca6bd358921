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
