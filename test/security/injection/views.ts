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

/** Shell: the words of each line as the shell splits them (shell-quote), variables left unexpanded. */
export function shellView(text: string): View {
  return text.split('\n').map((line) => (/^\s*#/.test(line) ? { comment: line } : shellParse(line, (name) => `\${${name}}`).map(word)));
}

/** Line-oriented formats (nft, PVE .fw): the lines; nft and the readers check the meaning. */
export function linesView(text: string): View {
  return text.split('\n');
}

/**
 * Switch ACLs: the lines, with each run of `remark` lines joined into one (long text is split
 * into remarks); a remark is at most 100 characters and never splits a character.
 */
export function aclView(text: string): View {
  const out: string[] = [];
  let run: string[] = [];
  const flush = (): void => {
    if (run.length > 0) out.push(`remark ${run.join(' ')}`);
    run = [];
  };
  for (const line of text.split('\n')) {
    const m = /^\s*(?:\d+\s+)?remark (.*)$/.exec(line);
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
