/**
 * Where a webhook may go (SSRF guard). A receiver is another organization's system: never this host,
 * a private network, a link-local address (cloud metadata at 169.254.169.254), the unspecified
 * address or carrier-grade NAT. Checked twice: on the URL's literal host when a subscription is
 * saved, and on every resolved address when a delivery connects — the connection is made to the
 * address that was checked (the `lookup` hook below), so a name cannot be re-pointed between the
 * check and the connect. EXCHANGE_ALLOW_HTTP_LOCAL=on allows loopback only (tests, the bench, a
 * receiver on the same host); the other internal ranges stay refused.
 */
import dns from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

export type AddressKind = 'loopback' | 'internal' | 'public';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

const internal = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], // unspecified / "this network"
  ['10.0.0.0', 8], // RFC 1918
  ['172.16.0.0', 12], // RFC 1918
  ['192.168.0.0', 16], // RFC 1918
  ['169.254.0.0', 16], // link-local (cloud metadata)
  ['100.64.0.0', 10], // carrier-grade NAT
  ['224.0.0.0', 4], // multicast
  ['255.255.255.255', 32], // broadcast
] as const)
  internal.addSubnet(net, bits, 'ipv4');
internal.addAddress('::', 'ipv6'); // unspecified
internal.addSubnet('fc00::', 7, 'ipv6'); // unique local
internal.addSubnet('fe80::', 10, 'ipv6'); // link-local
internal.addSubnet('ff00::', 8, 'ipv6'); // multicast

/** The kind of an IP address (an IPv4-mapped IPv6 address counts as its IPv4 address). */
export function addressKind(ip: string): AddressKind {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const address = mapped ? mapped[1]! : ip;
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  if (loopback.check(address, family)) return 'loopback';
  if (internal.check(address, family)) return 'internal';
  return 'public';
}

/** A URL's host as a bare lower-case name or address: no IPv6 brackets, no trailing dot. */
export function bareHost(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
}

/** The kind of a URL's host as written (a name that is not `localhost` is 'public' until resolved). */
export function hostKind(hostname: string): AddressKind {
  const host = bareHost(hostname);
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  return isIP(host) ? addressKind(host) : 'public';
}

/**
 * A host name of one label (`x`, `intranet`, `x.` — no dot inside): not an address on the public
 * network but a name the resolver completes with its own search domains, i.e. a machine of the
 * platform's own network. `localhost` is loopback (hostKind), and an IP address is judged as one.
 */
export function singleLabel(hostname: string): boolean {
  const host = bareHost(hostname);
  return host !== '' && !isIP(host) && !host.includes('.') && hostKind(hostname) !== 'loopback';
}

export function allowed(kind: AddressKind, allowLoopback: boolean): boolean {
  return kind === 'public' || (kind === 'loopback' && allowLoopback);
}

export interface ResolvedAddress {
  address: string;
  family: number;
}
export type Resolve = (host: string) => Promise<ResolvedAddress[]>;
export const systemResolve: Resolve = (host) => dns.promises.lookup(host, { all: true, verbatim: true });

/** The error a refused delivery fails with (code EXCHANGE_INTERNAL_ADDRESS). */
export class InternalAddressError extends Error {
  readonly code = 'EXCHANGE_INTERNAL_ADDRESS';
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(`${host} resolves to the internal address ${address}`);
  }
}

/**
 * A `lookup` for http(s).request: resolves the name, refuses it if any of its addresses is
 * internal, and hands the socket only the checked addresses, so the connection goes where the check
 * looked. (A literal IP host never reaches a lookup: `checkedHost` covers it before the request.)
 */
export function guardedLookup(allowLoopback: boolean, resolve: Resolve = systemResolve): LookupFunction {
  return (hostname, options, callback) => {
    const cb = callback as (err: NodeJS.ErrnoException | null, address: string | ResolvedAddress[], family?: number) => void;
    resolve(hostname).then(
      (all) => {
        const bad = all.find((a) => !allowed(addressKind(a.address), allowLoopback));
        if (bad) return cb(new InternalAddressError(hostname, bad.address), '', 4);
        const fitting = options.family === 4 || options.family === 6 ? all.filter((a) => a.family === options.family) : all;
        if (fitting.length === 0) return cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 4);
        if (options.all) return cb(null, fitting);
        return cb(null, fitting[0]!.address, fitting[0]!.family);
      },
      (err: NodeJS.ErrnoException) => cb(err, '', 4),
    );
  };
}
