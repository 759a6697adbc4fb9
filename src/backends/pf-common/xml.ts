/**
 * The XML serializer and parser both targets use: fast-xml-parser's XMLBuilder (it escapes
 * `<`, `&`, `>` and quotes in text and attributes) and XMLParser (values kept as strings, so a
 * tracker such as `0100000101` keeps its digits). Also PHP's htmlspecialchars and its inverse:
 * pfSense stores text fields such as `descr` entity-encoded and decodes them on reading.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

const builder = new XMLBuilder({
  format: true,
  indentBy: '\t',
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: false,
});

export type XmlNode = string | { readonly [key: string]: XmlNode | readonly XmlNode[] };

/** A whole document with its XML declaration. */
export function buildXml(root: Record<string, XmlNode>): string {
  return builder.build({ '?xml': { '@_version': '1.0' }, ...root }) as string;
}

/** Element names that may repeat, read as arrays wherever they occur. */
const REPEATED = new Set(['rule', 'alias', 'item', 'separator', 'ifgroupentry']);

// Element names that are JavaScript object keys with a meaning (OPNsense has <constructor>).
const SHADOWING = new Set(['__proto__', 'constructor', 'prototype']);
const safeName = (name: string): string => (SHADOWING.has(name) ? `${name}$` : name);

const parser = new XMLParser({
  transformTagName: safeName,
  transformAttributeName: safeName,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => REPEATED.has(name),
});

/** A parsed element: text, or children by name (attributes as `@_name`, text as `#text`). */
export type Parsed = string | { readonly [key: string]: Parsed | readonly Parsed[] | undefined };

export type XmlCheck = { readonly ok: true; readonly doc: Parsed } | { readonly ok: false; readonly offset: number; readonly message: string };

/** Parses a document, reporting where it is not well-formed XML. */
export function parseXml(text: string): XmlCheck {
  const valid = XMLValidator.validate(text);
  if (valid !== true) return { ok: false, offset: offsetOf(text, valid.err.line, valid.err.col), message: valid.err.msg };
  try {
    return { ok: true, doc: parser.parse(text) as Parsed };
  } catch (e) {
    return { ok: false, offset: 0, message: (e as Error).message };
  }
}

/** The offset of a 1-based line and column. */
function offsetOf(text: string, line: number, col: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) break;
    offset = next + 1;
  }
  return Math.min(text.length, offset + Math.max(0, col - 1));
}

const SPECIAL: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#039;' };

/** PHP `htmlspecialchars($s, ENT_QUOTES)`: what pfSense's writer stores for text fields. */
export function htmlSpecialChars(text: string): string {
  return text.replace(/[&<>"']/g, (c) => SPECIAL[c]!);
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** PHP `html_entity_decode` for the entities pfSense's writer produces (named and numeric). */
export function htmlDecode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[body.toLowerCase()] ?? whole;
  });
}
