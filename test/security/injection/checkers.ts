/**
 * How each target's output is checked: which real parser reads each artifact (by its kind), the
 * real tool run over a batch of artifacts, and the target's documented transformation of a
 * description. The record is keyed by every target id, so a new target without a checker does
 * not type-check, and the test also fails at run time when the registry has a target not here.
 */
import type { TargetId } from '../../../src/backends/index.js';
import { aclView, hclView, jsonView, linesView, shellView, xmlView, yamlView, type View } from './views.js';

export type Tool = 'xmllint' | 'nft' | 'bash' | 'terraform' | 'cfn-lint';

export interface ArtifactKind {
  readonly view: (text: string) => View;
  readonly tool?: Tool;
}

/** The parser and tool for each artifact, by the end of its path. */
export function artifactKind(target: TargetId, path: string): ArtifactKind {
  if (path.endsWith('.xml')) return { view: xmlView, tool: 'xmllint' };
  if (target === 'cloudformation' && path.endsWith('.json')) return { view: jsonView, tool: 'cfn-lint' };
  if (path.endsWith('.json')) return { view: jsonView };
  if (path.endsWith('.yaml')) return { view: yamlView };
  if (path.endsWith('.sh')) return { view: shellView, tool: 'bash' };
  if (path.endsWith('.nft')) return { view: linesView, tool: 'nft' };
  if (path.endsWith('.tf')) return { view: hclView, tool: 'terraform' };
  if (path.endsWith('.fw')) return { view: linesView };
  if (/\.(ios|eos|nxos)$/.test(path)) return { view: aclView };
  throw new Error(`no parser for ${target} artifact ${path}: add one to test/security/injection/checkers.ts`);
}

export interface Checker {
  /** What reads the output (for the docs table). */
  readonly parsers: string;
  /** How user text is written (for the docs table). */
  readonly escapes: string;
  /** The target's documented transformation of a text leaf that holds a description. */
  readonly descriptionLeaf?: (leaf: string) => string;
  /** The target's documented transformation of a text leaf that holds a string parameter. */
  readonly parameterLeaf?: (leaf: string) => string;
  /** Targets whose artifacts the reader reads directly (read-back checked with diffPolicies). */
  readonly readBack: boolean;
  /** The artifacts the reader reads (default: all). */
  readonly readFiles?: RegExp;
}

/** PHP's htmlspecialchars(ENT_QUOTES), which pfSense applies to `descr` before storing it. */
export function htmlSpecialChars(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#039;' })[c]!);
}

/** Switch ACL remarks: whitespace runs become one space, the ends are trimmed, long text spans several remarks (compared without whitespace). */
const aclRemark = (leaf: string): string => (leaf.startsWith('remark ') ? `remark ${leaf.slice(7).replace(/\s+/g, '')}`.replace(/^remark (\S+):$/, 'remark $1') : leaf);

/** An empty description is no description: the comment is the rule name alone. */
const emptyIsName = (leaf: string): string => leaf.replace(/^(\S+): $/, '$1').replace(/ # (\S+): $/, ' # $1');

const acl: Checker = {
  parsers: 'our ACL reader; remarks split at 100 characters',
  escapes: 'remark lines (no quoting needed: one line, no control characters); runs of spaces become one; long text is split over several remarks',
  descriptionLeaf: aclRemark,
  readBack: true,
};

const awsEscapes = 'AWS description charset (letters, digits, spaces, ._-:/()#,@[]+=;{}!$*) and 255 characters, else PAL6102';

export const checkers: Record<TargetId, Checker> = {
  nftables: {
    parsers: '`nft -f` + `nft list ruleset` in `unshare -n`; nftables reader',
    escapes: 'description in a `#` comment line (one line: no control characters reach it); rule comment is the rule name (an identifier)',
    readBack: true,
  },
  aws: {
    parsers: 'JSON.parse; `bash -n` + shell-quote words (JSON words parsed); aws reader',
    escapes: `${awsEscapes}; JSON by JSON.stringify; shell words single-quoted by shell-quote`,
    readBack: true,
    readFiles: /\.json$/,
  },
  terraform: {
    parsers: '`terraform fmt -check`; HCL string tokens decoded',
    escapes: `${awsEscapes}; HCL strings escape \\ " and \`\${\`/\`%{\` as \`$\${\`/\`%%{\``,
    readBack: false,
  },
  cloudformation: {
    parsers: 'JSON.parse; `cfn-lint`',
    escapes: `${awsEscapes}; JSON by JSON.stringify; the parameters are left out of a template Description past 1024 characters`,
    parameterLeaf: (leaf) => ([...leaf].length > 1024 ? leaf.replace(/; parameters: .*(?=; generated file)/, '') : leaf),
    readBack: false,
  },
  talos: {
    parsers: 'yaml parseAllDocuments (no errors or warnings, comments kept); talos reader',
    escapes: 'description in a YAML `#` comment (one line); data by the yaml library',
    readBack: true,
  },
  'talos-nft': {
    parsers: '`nft -f` + `nft list ruleset` in `unshare -n`; nftables reader',
    escapes: 'descriptions are not written',
    readBack: true,
  },
  pfsense: {
    parsers: 'fast-xml-parser and `xmllint --noout`; pfsense reader',
    escapes: "XML builder escaping over pfSense's own htmlspecialchars of `descr` (documented double escaping)",
    descriptionLeaf: htmlSpecialChars,
    readBack: true,
  },
  opnsense: {
    parsers: 'fast-xml-parser and `xmllint --noout`; JSON.parse (API plan); opnsense reader',
    escapes: 'XML builder escaping; JSON by JSON.stringify; longer than the description field, PAL6002',
    readBack: true,
    readFiles: /\.xml$/,
  },
  cisco: acl,
  arista: acl,
  nxos: acl,
  proxmox: {
    parsers: '`bash -n` + shell-quote words of every command',
    escapes: "shell words single-quoted by shell-quote; PVE comment rules (no `#`, no spaces at the ends), else PAL6002",
    descriptionLeaf: emptyIsName,
    readBack: false,
  },
  'proxmox-fw': {
    parsers: 'proxmox-fw reader (PVE .fw syntax)',
    escapes: 'description after ` # ` on the rule line; PVE comment rules (no `#`, no spaces at the ends), else PAL6002',
    descriptionLeaf: emptyIsName,
    readBack: true,
  },
};
