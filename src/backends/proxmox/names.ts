/**
 * Proxmox names for palisade's zones and roles. IP set and security group names must match
 * `^[A-Za-z][A-Za-z0-9\-_]+$` (IP sets 2..64 characters, groups 2..18), and PVE lower-cases them
 * when it loads cluster.fw, so palisade writes lowercase names only:
 *
 * - the name, lower-cased, when it is valid as it is;
 * - `p-<name>` when it is too short, starts with `_`, or is reserved (`management`, `blacklist`,
 *   `ipfilter-net<N>`);
 * - a name too long is cut and given a hash of the original: `<first chars>-<4 hex>`.
 *
 * Two declarations that end up with one name are an error (PAL6502) at the second.
 */
import { createHash } from 'node:crypto';
import { error, withExtras, type Diagnostic, type Span } from '../../diagnostics/index.js';

export const GROUP_MAX = 18;
export const IPSET_MAX = 64;
export const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9\-_]+$/;
const RESERVED = /^(management|blacklist|ipfilter-net\d+)$/;

export function pveName(name: string, max: number): string {
  let n = name.toLowerCase();
  if (n.length < 2 || !/^[a-z]/.test(n) || RESERVED.test(n)) n = `p-${n}`;
  if (n.length > max) {
    const hash = createHash('sha256').update(name).digest('hex').slice(0, 4);
    n = `${n.slice(0, max - 5).replace(/[-_]+$/, '')}-${hash}`;
  }
  return n;
}

/** Maps declared names to Proxmox names, reporting collisions. */
export class NameTable {
  readonly #byPve = new Map<string, { name: string; span: Span }>();
  readonly #names = new Map<string, string>();
  constructor(
    private readonly kind: string,
    private readonly max: number,
  ) {}

  /** Registers a name (made from `base`); false (and an error) when its Proxmox name is another's. */
  add(name: string, span: Span, diagnostics: Diagnostic[], base = name): boolean {
    const pve = pveName(base, this.max);
    const earlier = this.#byPve.get(pve);
    if (earlier && earlier.name !== name) {
      diagnostics.push(
        withExtras(error('PAL6502', span, this.kind, earlier.name, name, pve), {
          related: [{ span: earlier.span, message: `${JSON.stringify(earlier.name)} is declared here` }],
        }),
      );
      return false;
    }
    this.#byPve.set(pve, { name, span });
    this.#names.set(name, pve);
    return true;
  }

  get(name: string): string {
    const pve = this.#names.get(name);
    if (pve === undefined) throw new Error(`no Proxmox name for ${name}`);
    return pve;
  }
}

/**
 * Why PVE would not keep `text` exactly as a rule comment, or undefined when it would. Perl's
 * parser takes everything after the first `#` and the Rust one (proxmox-ve-rs) splits at the last
 * `#`, so a `#` inside is refused; both trim the ends and keep one line. A description is
 * refused rather than rewritten, so what PVE shows is what the ruleset says.
 */
export function pveCommentProblem(text: string): string | undefined {
  const bad = /[#\p{Cc}\u2028\u2029]/u.exec(text);
  if (bad?.[0] === '#') return 'a PVE rule comment cannot hold "#" (PVE\'s parsers split the line there), so its description would not survive';
  if (bad) return `a PVE rule comment is one line and cannot hold U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  if (/^\s|\s$/.test(text)) return 'PVE trims the spaces at the ends of a rule comment, so its description would not survive';
  return undefined;
}
