/**
 * One view per output format, each built by that format's real parser (or, for nft, HCL and the
 * line-oriented formats, by the tokens the real tool reads, checked by the tool itself in
 * tools.ts). A view keeps every text leaf, so comparing the view of a hostile output with the
 * view of a harmless one checks both the structure (no extra element, key, command, statement,
 * line) and the exact text.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parse as shellParse } from 'shell-quote';
import { parseAllDocuments, visit, type Document } from 'yaml';

export type View = unknown;

/** JSON: JSON.parse. */
export function jsonView(text: string): View {
  return JSON.parse(text) as View;
}

const xmlParser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  commentPropName: '#comment',
  cdataPropName: '#cdata',
});

/** XML: well-formed for fast-xml-parser's validator, then parsed in document order (comments and CDATA kept). */
export function xmlView(text: string): View {
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new Error(`not well-formed XML: ${JSON.stringify(valid.err)}`);
  return xmlParser.parse(text) as View;
}

/** YAML: every document, with no error or warning, as data plus every comment. */
export function yamlView(text: string): View {
  const docs = parseAllDocuments(text) as Document[];
  return docs.map((doc) => {
    const problems = [...doc.errors, ...doc.warnings].map((e) => e.message);
    if (problems.length > 0) throw new Error(`YAML: ${problems.join('; ')}`);
    const comments: string[] = [];
    visit(doc, {
      Node(_key, node) {
        if (node.commentBefore) comments.push(node.commentBefore);
        if (node.comment) comments.push(node.comment);
      },
    });
    return { before: doc.commentBefore ?? null, after: doc.comment ?? null, data: doc.toJS() as unknown, comments };
  });
}

/** A JSON document inside a shell word (the AWS deploy script passes JSON this way) is parsed too. */
function word(w: unknown): unknown {
  if (typeof w === 'string' && /^[[{]/.test(w)) {
    try {
      return { json: JSON.parse(w) as unknown };
    } catch {
      return w;
    }
  }
  return w;
}

/**
 * Shell: the words of each line as the shell splits them (shell-quote), variables left
 * unexpanded. shell-quote reports a backslash-escaped `\*` as a glob, where bash reads a literal
 * word: such a glob, when the line holds it escaped, is that word.
 */
export function shellView(text: string): View {
  return text.split('\n').map((line) => {
    if (/^\s*#/.test(line)) return { comment: line };
    return shellParse(line, (name) => `\${${name}}`).map((w) => {
      if (typeof w === 'object' && 'op' in w && w.op === 'glob' && line.includes(w.pattern.replace(/[*?[\]]/g, '\\$&'))) return word(w.pattern);
      return word(w);
    });
  });
}

/** Line-oriented formats (nft, PVE .fw): the lines; nft and the readers check the meaning. */
export function linesView(text: string): View {
  return text.split('\n');
}

/**
 * Switch ACLs: the lines, with each run of `remark` lines joined into one (long text is split
 * into remarks) without its whitespace; a remark is at most 100 characters and never splits a
 * character.
 */
export function aclView(text: string): View {
  const out: string[] = [];
  let run: string[] = [];
  const flush = (): void => {
    // Remarks split at a space or inside a word: compared without whitespace (see aclRemark).
    if (run.length > 0) out.push(`remark ${run.join('').replace(/\s+/g, '')}`);
    run = [];
  };
  for (const numbered of text.split('\n')) {
    // Sequence numbers follow the remarks (a long description takes several): not compared.
    const line = numbered.replace(/^(\s*)\d+ /, '$1');
    const m = /^\s*remark (.*)$/.exec(line);
    if (m) {
      const remark = m[1]!;
      if ([...remark].length > 100) throw new Error(`a remark of ${[...remark].length} characters`);
      if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(remark)) throw new Error('a remark splits a character');
      run.push(remark);
      continue;
    }
    flush();
    out.push(line);
  }
  flush();
  return out;
}

/** HCL string literal contents, decoded as Terraform does (escapes, and `$${`/`%%{` for literal `${`/`%{`). */
function decodeHcl(body: string): string {
  return body.replace(/\\(["\\nrt]|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})|\$\$\{|%%\{|\$\{|%\{/g, (m, e: string | undefined) => {
    if (m === '$${') return '${';
    if (m === '%%{') return '%{';
    // A template opener (an interpolation palisade wrote, e.g. a variable): marked, so that
    // literal text never compares equal to it.
    if (m === '${' || m === '%{') return `\u0000template${m}`;
    switch (e![0]) {
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u':
      case 'U':
        return String.fromCodePoint(parseInt(e!.slice(1), 16));
      default:
        return e!;
    }
  });
}

/**
 * Terraform: per line, its shape (string literals replaced by `"…"`) and its decoded strings, in
 * which a template opener is marked (so injected text that became a template would differ).
 */
export function hclView(text: string): View {
  return text.split('\n').map((line) => {
    if (/^\s*#/.test(line)) return { comment: line };
    const strings: string[] = [];
    const shape = line.replace(/"((?:[^"\\]|\\.)*)"/g, (_m, body: string) => {
      strings.push(decodeHcl(body));
      return '"…"';
    });
    return { shape, strings };
  });
}

/** Every string in a view with `from` replaced by `to`, and `leaf` applied to each string that held it. */
export function substitute(view: View, from: string, to: string, leaf: (s: string) => string = (s) => s): View {
  if (typeof view === 'string') return view.includes(from) ? leaf(view.split(from).join(to)) : view;
  if (Array.isArray(view)) return view.map((v) => substitute(v, from, to, leaf));
  if (view !== null && typeof view === 'object') {
    return Object.fromEntries(Object.entries(view).map(([k, v]) => [k.split(from).join(to), substitute(v, from, to, leaf)]));
  }
  return view;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The structure of a view without its text: strings become `s`, keys that hold `marker` (or are
 * uuids, which OPNsense derives from names) become `k`, arrays are sorted. For option values, which also change derived names, ids and order.
 */
export function shape(view: View, marker: string): View {
  if (typeof view === 'string') return 's';
  if (Array.isArray(view)) return view.map((v) => shape(v, marker)).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  if (view !== null && typeof view === 'object') {
    return Object.entries(view)
      .map(([k, v]) => [(marker !== '' && k.includes(marker)) || UUID.test(k) ? 'k' : k, shape(v, marker)] as const)
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  return view;
}

/** Every string and key of a view. */
export function leaves(view: View): string[] {
  if (typeof view === 'string') return [view];
  if (Array.isArray(view)) return view.flatMap(leaves);
  if (view !== null && typeof view === 'object') return Object.entries(view).flatMap(([k, v]) => [k, ...leaves(v)]);
  return [];
}
