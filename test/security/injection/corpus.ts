/**
 * The injection corpus: text a user controls in a ruleset (rule descriptions, string parameters,
 * string target options) built to break out of every output format palisade writes: XML, YAML,
 * JSON, HCL, shell, nft, switch-CLI and PVE `.fw` text. Plus a fixed-seed random part over a
 * hostile alphabet (fast-check), and the small ruleset every target compiles it into.
 */
import fc from 'fast-check';

export interface CorpusEntry {
  readonly name: string;
  readonly text: string;
}

/** The harmless text every hostile output is compared with (it appears nowhere else). */
export const HARMLESS = 'HarmlessText';

const repeat = (unit: string, length: number): string => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

/** Text a string literal can hold (no control characters): each must survive exactly or be refused. */
export const printable: readonly CorpusEntry[] = [
  { name: 'xml-lt-gt', text: '<b>bold</b>' },
  { name: 'xml-amp', text: 'a & b &amp; &#39; &lt;' },
  { name: 'xml-quotes', text: `it's "quoted"` },
  { name: 'xml-cdata-end', text: 'x ]]> y' },
  { name: 'xml-comment', text: '<!-- x --> -->' },
  { name: 'xml-element', text: '</descr><rule><type>pass</type></rule><descr>' },
  { name: 'xml-entity', text: '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e;' },
  { name: 'single-quote', text: "'; reboot; echo '" },
  { name: 'double-quote', text: '"; reboot; echo "' },
  { name: 'backslash', text: 'a\\b\\\\c\\' },
  { name: 'backslash-quote', text: '\\"\\\'' },
  { name: 'command-substitution', text: '$(reboot)' },
  { name: 'backticks', text: '`reboot`' },
  { name: 'parameter-expansion', text: '${x} $HOME ${IFS}' },
  { name: 'hcl-template', text: '${file("/etc/passwd")} %{ if true }x%{ endif }' },
  { name: 'hcl-escaped-template', text: '$${x} %%{y}' },
  { name: 'printf', text: '%s %n %x %%' },
  { name: 'newline-escape-text', text: 'line1\\nline2\\r\\t\\0' },
  { name: 'hash', text: '# not a comment' },
  { name: 'semicolon', text: 'a; b;; c' },
  { name: 'braces', text: '} drop; {' },
  { name: 'open-brace', text: '{' },
  { name: 'close-brace', text: '}' },
  { name: 'pipe', text: 'a | rm -rf /' },
  { name: 'and-and', text: 'true && reboot || halt' },
  { name: 'redirect', text: '> /etc/passwd < /dev/null 2>&1' },
  { name: 'nft-statement', text: '"; accept; "' },
  { name: 'yaml-document', text: '--- !!js/function ... key: value' },
  { name: 'yaml-flow', text: '[a, {b: c}] *alias &anchor !tag' },
  { name: 'json-break', text: '"}, {"IpProtocol": "-1' },
  { name: 'acl-remark', text: 'x\n permit ip any any'.replace('\n', ' ') },
  { name: 'pve-option', text: '-dport 22 -source 0.0.0.0/0' },
  { name: 'accents', text: 'Règle pour le réseau — façade' },
  { name: 'cjk', text: '防火墙规则 ファイアウォール 방화벽' },
  { name: 'emoji', text: '🔥🧱 👨‍👩‍👧 🇫🇷' },
  { name: 'rtl-override', text: 'abc\u202Egnp.exe' },
  { name: 'zero-width', text: 'a\u200Bb\u200Cc\u200Dd\uFEFFe' },
  { name: 'combining', text: 'e\u0301 n\u0303' },
  { name: 'double-space', text: 'a  b   c' },
  { name: 'leading-trailing-space', text: ' padded ' },
  { name: 'empty', text: '' },
  { name: 'overlong-1k', text: repeat('abc def ', 1000) },
  { name: 'overlong-1k-cjk', text: repeat('中', 1000) },
  { name: 'overlong-100k', text: repeat('x', 100_000) },
  { name: 'overlong-100k-emoji', text: repeat('😀', 100_000) },
  // An emoji across the 100th UTF-16 unit of a remark with no space to split at.
  { name: 'emoji-at-remark-limit', text: `${'x'.repeat(99)}😀${'x'.repeat(10)}` },
];

/** Raw characters a string must never hold: refused by the parser (PAL1002 or PAL6901) or by `--set` (PAL4008). */
export const controls: readonly CorpusEntry[] = [
  { name: 'raw-newline', text: 'a\nb' },
  { name: 'raw-cr', text: 'a\rb' },
  { name: 'raw-crlf', text: 'a\r\nb' },
  { name: 'nul', text: 'a\u0000b' },
  { name: 'tab', text: 'a\tb' },
  { name: 'escape-sequence', text: 'a\u001B[2Jb' },
  { name: 'bell-backspace', text: 'a\u0007\u0008b' },
  { name: 'del', text: 'a\u007Fb' },
  { name: 'nel', text: 'a\u0085b' },
  { name: 'c1', text: 'a\u009Bb' },
  { name: 'line-separator', text: 'a\u2028b' },
  { name: 'paragraph-separator', text: 'a\u2029b' },
];

/** The hostile alphabet of the random part. */
const ALPHABET = [...'<>&\'"`$(){}[]#;|\\%!*=:,/. -_aZ09', 'é', '中', '😀', '\u202E', '\u200B', ']]>', '<!--', '${', '%{', '&&', '\\n'];

/** A fixed-seed sample of random strings over the hostile alphabet. */
export function randomEntries(count: number, seed: number): CorpusEntry[] {
  const arb = fc.array(fc.constantFrom(...ALPHABET), { minLength: 1, maxLength: 40 }).map((parts) => parts.join(''));
  return fc.sample(arb, { numRuns: count, seed }).map((text, i) => ({ name: `random-${i}`, text }));
}

/** A `.pal` string literal of `text`: `"` and `\` escaped, everything else as it is (raw). */
export function palString(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * The ruleset every target compiles: one role with addresses and VMs, one zone, a described
 * allow rule `r1`, an undescribed deny and egress rule, and a string parameter (printed in artifact headers).
 * The Talos targets accept their built-in ICMP and leave egress to another firewall (`--set`).
 */
export function baseRuleset(description: string, note = 'x'): string {
  return [
    `param note: string = ${palString(note)}`,
    'role web = 10.0.1.0/24',
    'zone admin = 10.0.9.0/24',
    'zone bad = 10.0.9.128/25',
    'target talos { icmp = "talos" }',
    'target talos-nft { icmp = "talos" }',
    'target proxmox { vms.web = [101] }',
    'target proxmox-fw { vms.web = [101] }',
    'r0 deny bad -> web tcp/443',
    `r1 allow admin -> web tcp/443 ${palString(description)}`,
    'r2 allow web -> 10.0.5.0/24 udp/53',
    'default ingress deny',
    'default egress deny',
    '',
  ].join('\n');
}

/** The line of rule r1 in baseRuleset (1-based). */
export const RULE_LINE = 10;

/** `--set` options each target needs to compile the base ruleset. */
export function baseSet(target: string): string[] {
  return target === 'talos' || target === 'talos-nft' ? [`${target}.egress=elsewhere`] : [];
}
