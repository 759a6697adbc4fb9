/**
 * Addresses in Proxmox's words: IP set entries (normalized as PVE stores them: host bits
 * cleared, no `/32` or `/128`, and no `/0`, which IP sets refuse, so `0.0.0.0/0` becomes two /1s)
 * and the comma lists of one family that `source` and `dest` accept (at most 512 characters).
 */
import { parseAddress, parseCidr, rangesOf, toCidrs, type AddressRanges, type AddressSet, type Family } from '../../ir/index.js';
import { normalize, type Range } from '../../ir/intervals.js';

export const ADDRESS_SPEC_MAX = 512;

/** Computed once per ranges array (rules share their ends' arrays across roles). */
const pveCache = new WeakMap<AddressRanges, readonly string[]>();

/** CIDRs of one family's ranges, normalized the way PVE stores them. */
export function pveCidrs(family: Family, ranges: AddressRanges): readonly string[] {
  let cidrs = pveCache.get(ranges);
  if (cidrs === undefined) {
    cidrs = toCidrs(family, ranges).flatMap((c) => {
      if (c === '0.0.0.0/0') return ['0.0.0.0/1', '128.0.0.0/1'];
      if (c === '::/0') return ['::/1', '8000::/1'];
      return [c.replace(family === 4 ? /\/32$/ : /\/128$/, '')];
    });
    pveCache.set(ranges, cidrs);
  }
  return cidrs;
}

/** Every entry of a set, IPv4 first. */
export function ipsetEntries(set: AddressSet): string[] {
  return [...pveCidrs(4, rangesOf(set, 4)), ...pveCidrs(6, rangesOf(set, 6))];
}

/** One entry (`10.0.0.0/8`, `10.0.0.5`, `fd00::/64`) as a family and range; undefined if not one. */
export function parseEntry(text: string): { family: Family; range: Range<bigint> } | undefined {
  const single = parseAddress(text);
  if (single) return { family: single.family, range: [single.value, single.value] };
  if (!/^[0-9A-Fa-f.:]+\/\d{1,3}$/.test(text)) return undefined;
  try {
    return parseCidr(text);
  } catch {
    return undefined;
  }
}

/** A `source`/`dest` address list (or one `a-b` range) as a set; undefined when it is not valid. */
export function parseAddressList(text: string): AddressSet | undefined {
  const v4: Range<number>[] = [];
  const v6: Range<bigint>[] = [];
  const dash = text.indexOf('-');
  const items = dash > 0 && !text.includes(',') ? [text] : text.split(',');
  let family: Family | undefined;
  for (const item of items) {
    let parsed: { family: Family; range: Range<bigint> } | undefined;
    if (item.includes('-')) {
      const [a, b] = item.split('-').map((s) => parseAddress(s));
      if (!a || !b || a.family !== b.family || a.value > b.value) return undefined;
      parsed = { family: a.family, range: [a.value, b.value] };
    } else {
      parsed = parseEntry(item);
    }
    if (!parsed || (family !== undefined && parsed.family !== family)) return undefined;
    family = parsed.family;
    if (parsed.family === 4) v4.push([Number(parsed.range[0]), Number(parsed.range[1])]);
    else v6.push(parsed.range);
  }
  return { v4: normalize(v4), v6: normalize(v6), opaque: [] };
}
