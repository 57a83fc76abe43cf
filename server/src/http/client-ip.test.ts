import { describe, expect, it } from 'vitest';
import { addressKey, clientIp, normaliseIp, trustedProxies } from './client-ip.ts';

describe('client address', () => {
  const nginx = trustedProxies('127.0.0.1,::1');

  it('normalises IPv4, IPv6 and IPv4-mapped IPv6 to one spelling, and refuses the rest', () => {
    expect(normaliseIp('203.0.113.9')).toBe('203.0.113.9');
    expect(normaliseIp(' ::FFFF:203.0.113.9 ')).toBe('203.0.113.9');
    expect(normaliseIp('::ffff:cb00:7109')).toBe('203.0.113.9');
    expect(normaliseIp('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    for (const bad of ['', 'unknown', '203.0.113.9:80', '[::1]', '0203.0.113.9', 'fe80::1%eth0'])
      expect(normaliseIp(bad)).toBeNull();
    expect(normaliseIp('1'.repeat(12_000))).toBeNull();
  });

  it('believes X-Forwarded-For only from a trusted balancer, read from the right', () => {
    // A client that reaches the instance directly cannot choose its address.
    expect(clientIp('198.51.100.7', '1.2.3.4', nginx)).toBe('198.51.100.7');
    expect(clientIp('::ffff:198.51.100.7', '1.2.3.4', nginx)).toBe('198.51.100.7');
    // Through the balancer: the address it saw (the last hop), not what the client prepended.
    expect(clientIp('127.0.0.1', '1.2.3.4, 198.51.100.7', nginx)).toBe('198.51.100.7');
    expect(clientIp('::ffff:127.0.0.1', ['10.9.9.9', '198.51.100.7'], nginx)).toBe('198.51.100.7');
    // Trusted hops are skipped; a hop that does not parse ends the walk.
    expect(clientIp('127.0.0.1', '198.51.100.7, 127.0.0.1', nginx)).toBe('198.51.100.7');
    expect(clientIp('127.0.0.1', 'x'.repeat(12_000), nginx)).toBe('127.0.0.1');
    expect(clientIp('127.0.0.1', undefined, nginx)).toBe('127.0.0.1');
    expect(clientIp('127.0.0.1', '198.51.100.7', trustedProxies(''))).toBe('127.0.0.1');
  });

  it('keys an IPv6 client by its /64 and every key stays short', () => {
    expect(addressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('203.0.113.9')).toBe('203.0.113.9');
  });
});
