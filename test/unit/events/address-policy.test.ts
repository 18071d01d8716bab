/**
 * The SSRF address check, at the address layer only: no socket is opened here, so private and
 * link-local ranges can be tested without ever reaching one.
 */
import { describe, expect, it } from 'vitest';
import { blockedAddressReason } from '../../../src/modules/events/address-policy.js';

describe('blockedAddressReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'], ['127.255.0.9', 'loopback'], ['::1', 'loopback'], ['[::1]', 'loopback'],
    ['10.0.0.1', 'private'], ['10.255.255.255', 'private'], ['172.16.0.1', 'private'], ['172.31.255.1', 'private'], ['192.168.1.20', 'private'],
    ['169.254.169.254', 'link-local'], ['169.254.0.1', 'link-local'], ['fe80::1', 'link-local'], ['fe80::1%eth0', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'], ['100.127.255.254', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'], ['::', 'unspecified'],
    ['fc00::1', 'unique-local'], ['fd12:3456:789a::1', 'unique-local'],
    ['224.0.0.1', 'multicast'], ['ff02::1', 'multicast'], ['255.255.255.255', 'reserved'],
    ['192.0.2.5', 'documentation'], ['2001:db8::1', 'documentation'],
  ])('refuses %s (%s)', (address, kind) => {
    expect(blockedAddressReason(address)).toContain(kind);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback'], ['::ffff:7f00:1', 'loopback'], ['::ffff:10.1.2.3', 'private'], ['::ffff:a9fe:a9fe', 'link-local'],
    ['64:ff9b::169.254.169.254', 'link-local'], ['64:ff9b::a00:1', 'private'], ['::127.0.0.1', 'loopback'],
  ])('sees the IPv4 inside %s (%s)', (address, kind) => {
    expect(blockedAddressReason(address)).toContain(kind);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '169.253.255.255', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808'])(
    'lets the public address %s through', (address) => {
      expect(blockedAddressReason(address)).toBeNull();
    },
  );

  it('refuses what is not an address at all', () => {
    expect(blockedAddressReason('example.com')).toBe('not an IP address');
  });
});
