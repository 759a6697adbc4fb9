/**
 * Helpers for reading pfSense/OPNsense XML: text and presence of parsed elements, where the
 * n-th `<rule>` or `<alias>` of a section starts (so reader errors point into the file), and
 * the interface addresses of a full config.xml.
 */
import type { SourceFile, Span } from '../../diagnostics/index.js';
import type { Parsed } from './xml.js';
import type { InterfaceAddress } from './read-env.js';

export type Element = { readonly [key: string]: Parsed | readonly Parsed[] | undefined };

export function isElement(node: unknown): node is Element {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

/** The element's text ('' for an empty or absent element). */
export function text(node: unknown): string {
  if (typeof node === 'string') return node;
  if (isElement(node)) {
    const t = node['#text'];
    return typeof t === 'string' ? t : '';
  }
  return '';
}

/** A child element (the first, if it repeats). */
export function child(node: unknown, name: string): Parsed | undefined {
  if (!isElement(node)) return undefined;
  const c = node[name];
  return Array.isArray(c) ? (c[0] as Parsed | undefined) : (c as Parsed | undefined);
}

/** Children that may repeat, as a list. */
export function children(node: unknown, name: string): Parsed[] {
  if (!isElement(node)) return [];
  const c = node[name];
  if (c === undefined) return [];
  return Array.isArray(c) ? [...(c as Parsed[])] : [c as Parsed];
}

/** Element names of a node, without attributes and text. */
export function elementNames(node: unknown): string[] {
  return isElement(node) ? Object.keys(node).filter((k) => !k.startsWith('@_') && k !== '#text') : [];
}

export function path(node: unknown, ...names: string[]): Parsed | undefined {
  let n: unknown = node;
  for (const name of names) n = child(n, name);
  return n as Parsed | undefined;
}

/**
 * Spans of the `<tag` elements that follow the first match of `section` in the file, in
 * document order: the n-th is where the n-th parsed element of that section starts.
 */
export function elementSpans(source: SourceFile, section: RegExp, tag: string): Span[] {
  const start = source.text.search(section);
  if (start < 0) return [];
  const spans: Span[] = [];
  const re = new RegExp(`<${tag}(?=[\\s>/])`, 'g');
  re.lastIndex = start;
  for (let m = re.exec(source.text); m; m = re.exec(source.text)) spans.push(source.span(m.index, m.index + tag.length + 1));
  return spans;
}

/** `<interfaces><lan><ipaddr>…` of a full config.xml. */
export function interfaceAddresses(root: unknown): Map<string, InterfaceAddress> {
  const out = new Map<string, InterfaceAddress>();
  const interfaces = child(root, 'interfaces');
  for (const name of elementNames(interfaces)) {
    const iface = child(interfaces, name);
    const v4 = text(child(iface, 'ipaddr'));
    const v6 = text(child(iface, 'ipaddrv6'));
    out.set(name, {
      ...(v4 ? { v4: { address: v4, prefix: text(child(iface, 'subnet')) } } : {}),
      ...(v6 ? { v6: { address: v6, prefix: text(child(iface, 'subnetv6')) } } : {}),
    });
  }
  return out;
}
