/**
 * Validation and canonical form of literal tokens: addresses (with ipaddr.js), integers and
 * strings. Each returns either a value or a diagnostic positioned on the token.
 */
import ipaddr from 'ipaddr.js';
import { error, type Diagnostic, type Span } from '../diagnostics/index.js';
import type { AddressLiteral } from './ast.js';

export type Checked<T> = { ok: true; value: T } | { ok: false; diagnostic: Diagnostic };

const MAX_INT = 4294967295;

export function checkInteger(text: string, span: Span): Checked<number> {
  if (text.replace(/^0+/, '').length > 10 || Number(text) > MAX_INT) return { ok: false, diagnostic: error('PAL1006', span, text) };
  return { ok: true, value: Number(text) };
}

/** `10.0.1.5`, `10.0.1.0/24`, `fd00::1`, `fd00::/8`: checked and made canonical. */
export function checkAddress(text: string, family: 4 | 6, span: Span): Checked<AddressLiteral> {
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const bits = family === 4 ? 32 : 128;
  const valid = family === 4 ? ipaddr.IPv4.isValidFourPartDecimal(addressText) : ipaddr.IPv6.isValid(addressText);
  if (!valid) {
    const why = family === 4 ? 'not an IPv4 address (four numbers 0-255)' : 'not an IPv6 address';
    return { ok: false, diagnostic: error('PAL1004', span, text, why) };
  }
  const address = family === 4 ? ipaddr.IPv4.parse(addressText) : ipaddr.IPv6.parse(addressText);
  if (slash < 0) {
    return { ok: true, value: { kind: 'address', family, cidr: `${address.toString()}/${bits}`, prefixed: false, span } };
  }
  const lengthText = text.slice(slash + 1);
  const length = Number(lengthText);
  if (!/^\d{1,3}$/.test(lengthText) || length > bits) {
    return { ok: false, diagnostic: error('PAL1004', span, text, `prefix length must be 0-${bits}`) };
  }
  const network =
    family === 4
      ? ipaddr.IPv4.networkAddressFromCIDR(`${addressText}/${length}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${addressText}/${length}`);
  const canonical = `${network.toString()}/${length}`;
  if (network.toString() !== address.toString()) {
    return { ok: false, diagnostic: error('PAL1005', span, text, canonical) };
  }
  return { ok: true, value: { kind: 'address', family, cidr: canonical, prefixed: true, span } };
}

/**
 * Characters no string may hold, wherever it comes from (a `.pal` file, `--set`, a vars file):
 * control characters (C0, DEL, C1, which also covers NUL, tab, CR, LF and NEL) and the Unicode
 * line and paragraph separators. Every target writes strings as one line of text; rather than
 * strip or replace them per target, they are refused here with a positioned error.
 */
export const FORBIDDEN_IN_STRING = /[\p{Cc}\u2028\u2029]/u;

/** `U+0000`: how a forbidden character is named in a message. */
export function codePointName(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The value of a string token: quotes removed, `\"` and `\\` unescaped; any other escape is an error. */
export function checkString(image: string, span: Span): Checked<string> {
  let out = '';
  for (let i = 1; i < image.length - 1; i++) {
    const ch = image[i]!;
    if (FORBIDDEN_IN_STRING.test(ch)) {
      return { ok: false, diagnostic: error('PAL6901', span.source.span(span.start + i, span.start + i + 1), codePointName(ch)) };
    }
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = image[i + 1]!;
    if (next === '"' || next === '\\') {
      out += next;
      i++;
      continue;
    }
    const at = span.source.span(span.start + i, span.start + i + 2);
    return { ok: false, diagnostic: error('PAL1003', at, `\\${next}`) };
  }
  return { ok: true, value: out };
}
