/**
 * cidrSet reads plain IPv4 and IPv6 CIDRs itself (addresses.ts) instead of through ipaddr.js:
 * the fast readers must give exactly parseCidr's range for every text they accept, and leave
 * every other text to it.
 */
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { parseCidr, plainV4Cidr, plainV6Cidr } from '../../src/ir/addresses.js';

const v4 = fc.tuple(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 32 }));
/** IPv6 groups biased to zeros, so `::` compression appears in every position. */
const v6 = fc.tuple(
  fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 }),
  fc.integer({ min: 0, max: 128 }),
);

describe('plain CIDR readers', () => {
  it('read IPv4 CIDRs (host bits set or not) as parseCidr does', () => {
    fc.assert(
      fc.property(v4, ([octets, length]) => {
        const text = `${octets.join('.')}/${length}`;
        const { family, range } = parseCidr(text);
        expect(family).toBe(4);
        expect(plainV4Cidr(text)).toEqual([Number(range[0]), Number(range[1])]);
        expect(plainV6Cidr(text)).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });

  it('read IPv6 CIDRs, compressed, normalized or fixed-length, as parseCidr does', () => {
    fc.assert(
      fc.property(v6, fc.constantFrom('toString', 'toNormalizedString', 'toFixedLengthString'), ([groups, length], form) => {
        const address = new ipaddr.IPv6(groups);
        const text = `${address[form as 'toString']()}/${length}`;
        const { family, range } = parseCidr(text);
        expect(family).toBe(6);
        expect(plainV6Cidr(text)).toEqual(range);
        expect(plainV6Cidr(text.toUpperCase())).toEqual(range);
        expect(plainV4Cidr(text)).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });

  it('leave other forms to ipaddr.js', () => {
    for (const text of ['010.0.0.0/8', '10.0.0.0/33', '10.0.0.256/32', '10.0.0.0/024', '::ffff:10.0.0.1/128', 'fe80::1%eth0/64', '1:2:3:4:5:6:7:8:9/64', '12345::/16', '1::2::3/64', '1:2:3:4:5:6:7::8/64', 'fd00::/129']) {
      expect([text, plainV4Cidr(text), plainV6Cidr(text)]).toEqual([text, undefined, undefined]);
    }
  });

  it('read the extremes', () => {
    expect(plainV4Cidr('0.0.0.0/0')).toEqual([0, 0xffffffff]);
    expect(plainV4Cidr('255.255.255.255/32')).toEqual([0xffffffff, 0xffffffff]);
    expect(plainV6Cidr('::/0')).toEqual([0n, (1n << 128n) - 1n]);
    expect(plainV6Cidr('::/128')).toEqual([0n, 0n]);
    expect(plainV6Cidr('1:2:3:4:5:6:7::/128')).toEqual(parseCidr('1:2:3:4:5:6:7::/128').range);
  });
});
