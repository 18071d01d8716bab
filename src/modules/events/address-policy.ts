/**
 * Which IP addresses a client's webhook may never reach in production (SSRF): loopback,
 * private, link-local (the cloud metadata service lives at 169.254.169.254), carrier-grade NAT,
 * unspecified, multicast and reserved ranges, IPv6 unique-local and link-local, and IPv4 hidden
 * inside IPv6 (mapped, compatible, NAT64). Pure: no DNS, no sockets.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

const RANGES: ReadonlyArray<readonly [string, number, 'ipv4' | 'ipv6', string]> = [
  ['0.0.0.0', 8, 'ipv4', 'an unspecified ("this network") address'],
  ['10.0.0.0', 8, 'ipv4', 'a private address (RFC 1918)'],
  ['100.64.0.0', 10, 'ipv4', 'a carrier-grade NAT address (RFC 6598)'],
  ['127.0.0.0', 8, 'ipv4', 'a loopback address'],
  ['169.254.0.0', 16, 'ipv4', 'a link-local address (this range holds cloud metadata services)'],
  ['172.16.0.0', 12, 'ipv4', 'a private address (RFC 1918)'],
  ['192.0.0.0', 24, 'ipv4', 'an IETF protocol address (RFC 6890)'],
  ['192.0.2.0', 24, 'ipv4', 'a documentation address (RFC 5737)'],
  ['192.168.0.0', 16, 'ipv4', 'a private address (RFC 1918)'],
  ['198.18.0.0', 15, 'ipv4', 'a benchmarking address (RFC 2544)'],
  ['198.51.100.0', 24, 'ipv4', 'a documentation address (RFC 5737)'],
  ['203.0.113.0', 24, 'ipv4', 'a documentation address (RFC 5737)'],
  ['224.0.0.0', 4, 'ipv4', 'a multicast address'],
  ['240.0.0.0', 4, 'ipv4', 'a reserved address'],
  ['::', 128, 'ipv6', 'the unspecified address'],
  ['::1', 128, 'ipv6', 'a loopback address'],
  ['fc00::', 7, 'ipv6', 'a unique-local address (IPv6 ULA)'],
  ['fe80::', 10, 'ipv6', 'a link-local address'],
  ['fec0::', 10, 'ipv6', 'a site-local address (deprecated)'],
  ['ff00::', 8, 'ipv6', 'a multicast address'],
  ['2001:db8::', 32, 'ipv6', 'a documentation address (RFC 3849)'],
  ['100::', 64, 'ipv6', 'a discard-only address (RFC 6666)'],
];

const LISTS = RANGES.map(([network, prefix, family, reason]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return { list, family, reason };
});

/** IPv6 forms that carry an IPv4 address in their last 32 bits: mapped, compatible and NAT64. */
const EMBEDS_IPV4 = /^(?:::ffff:|::|64:ff9b::)(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i;

function embeddedIpv4(address: string): string | null {
  const match = EMBEDS_IPV4.exec(address);
  if (!match) return null;
  if (match[1]) return match[1];
  const high = parseInt(match[2], 16);
  const low = parseInt(match[3], 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** Null for an address a webhook may reach; else what it is, as a phrase ("a loopback address"). */
export function blockedAddressReason(input: string): string | null {
  const address = input.replace(/^\[|\]$/g, '').replace(/%.*$/, '').toLowerCase();
  if (isIPv4(address)) return LISTS.find((entry) => entry.family === 'ipv4' && entry.list.check(address, 'ipv4'))?.reason ?? null;
  if (!isIPv6(address)) return 'not an IP address';
  const inner = embeddedIpv4(address);
  if (inner && address !== '::' && address !== '::1') return blockedAddressReason(inner);
  return LISTS.find((entry) => entry.family === 'ipv6' && entry.list.check(address, 'ipv6'))?.reason ?? null;
}
