/**
 * The XML writer behind `buildXml`: the bytes of fast-xml-parser's XMLBuilder with the options
 * in xml.ts (tab indent, `@_` attributes, empty elements as `<x></x>`), in one walk over the tree
 * without its per-node bookkeeping (path matcher, stop nodes, name hooks), which costs several
 * times the writing on a document of tens of thousands of rules. A property test holds the two
 * to the same bytes on random trees (test/backends/pf-xml.test.ts).
 *
 * What it writes, as XMLBuilder does:
 * - text: `&`, `<`, `>`, `'` and `"` as entities; attribute values the same, and an attribute
 *   whose value is `true` as a bare name;
 * - an element whose content is only text (or nothing) on one line, otherwise its children one
 *   per line, indented one tab deeper, and its end tag on a line of its own;
 * - an array as the element repeated; `#text` as the element's text; a name starting with `?`
 *   as a processing instruction (`<?xml version="1.0"?>`).
 */

export type XmlNode = string | { readonly [key: string]: XmlNode | readonly XmlNode[] };

const ATTRIBUTE = '@_';
const TEXT = '#text';
const ENTITY: Readonly<Record<string, string>> = { '&': '&amp;', '>': '&gt;', '<': '&lt;', "'": '&apos;', '"': '&quot;' };
const SPECIAL = /[&<>'"]/g;

function escape(text: string): string {
  return SPECIAL.test(text) ? text.replace(SPECIAL, (c) => ENTITY[c]!) : text;
}

export type XmlElement = { readonly [key: string]: XmlNode | readonly XmlNode[] };

/** An element's attributes as ` name="value"` pairs. */
function attributes(node: XmlElement): string {
  let out = '';
  for (const key of Object.keys(node)) {
    if (!key.startsWith(ATTRIBUTE)) continue;
    const value = node[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new Error(`XML attribute ${key} must be text`);
    const text = escape(value);
    out += text === 'true' ? ` ${key.slice(ATTRIBUTE.length)}` : ` ${key.slice(ATTRIBUTE.length)}="${text}"`;
  }
  return out;
}

/** Whether an element writes a child element (so its content spans lines). */
function hasChildElements(node: XmlElement): boolean {
  for (const key of Object.keys(node)) {
    if (key.startsWith(ATTRIBUTE) || key === TEXT) continue;
    const value = node[key];
    if (Array.isArray(value) ? value.some((item) => item !== undefined) : value !== undefined) return true;
  }
  return false;
}

/** Pieces per chunk: pieces are joined chunk by chunk, so none outlives its chunk. */
const CHUNK = 8192;

class Writer {
  readonly #pieces: string[] = [];
  readonly #chunks: string[] = [];

  write(piece: string): void {
    this.#pieces.push(piece);
    if (this.#pieces.length >= CHUNK) this.#flush();
  }

  #flush(): void {
    this.#chunks.push(this.#pieces.join(''));
    this.#pieces.length = 0;
  }

  text(): string {
    this.#flush();
    return this.#chunks.join('');
  }

  /** The children of `node`, each at `level`. */
  children(node: XmlElement, level: number): void {
    for (const key of Object.keys(node)) {
      const value = node[key];
      // As XMLBuilder: an undefined value writes nothing.
      if (key.startsWith(ATTRIBUTE) || value === undefined) continue;
      if (key === TEXT) {
        if (typeof value !== 'string') throw new Error('XML text must be text');
        this.write(escape(value));
      } else if (Array.isArray(value)) {
        for (const item of value as readonly (XmlNode | undefined)[]) {
          if (item === undefined) continue;
          if (Array.isArray(item)) throw new Error(`XML element ${key}: an array cannot hold arrays`);
          this.element(key, item, level);
        }
      } else {
        this.element(key, value as XmlNode, level);
      }
    }
  }

  element(name: string, value: XmlNode, level: number): void {
    const indent = '\t'.repeat(level);
    if (typeof value === 'string') {
      if (name.startsWith('?')) this.write(`${indent}<${name}?>\n`);
      else this.write(`${indent}<${name}>${escape(value)}</${name}>\n`);
      return;
    }
    const attrs = attributes(value);
    if (name.startsWith('?')) {
      this.write(`${indent}<${name}${attrs}?>\n`);
      return;
    }
    if (!hasChildElements(value)) {
      // Text only (or nothing): one line.
      const text = value[TEXT];
      this.write(`${indent}<${name}${attrs}>${typeof text === 'string' ? escape(text) : ''}</${name}>\n`);
      if (text !== undefined && typeof text !== 'string') throw new Error('XML text must be text');
      return;
    }
    this.write(`${indent}<${name}${attrs}>\n`);
    this.children(value, level + 1);
    this.write(`${indent}</${name}>\n`);
  }
}

/** A document: the children of `root` at the top level. */
export function writeXml(root: XmlElement): string {
  const w = new Writer();
  w.children(root, 0);
  return w.text();
}
