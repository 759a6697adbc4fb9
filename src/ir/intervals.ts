/**
 * Sets of integers as sorted, disjoint, non-adjacent inclusive ranges. One implementation for
 * ports and ICMP types (number) and addresses (bigint, so that IPv6 fits).
 */
export type Range<T extends number | bigint> = readonly [T, T];
export type Ranges<T extends number | bigint> = readonly Range<T>[];

function next<T extends number | bigint>(x: T): T {
  return (typeof x === 'bigint' ? x + 1n : (x as number) + 1) as T;
}

function prev<T extends number | bigint>(x: T): T {
  return (typeof x === 'bigint' ? x - 1n : (x as number) - 1) as T;
}

/** Sorts and merges overlapping or adjacent ranges into canonical form. */
export function normalize<T extends number | bigint>(ranges: Iterable<Range<T>>): Ranges<T> {
  const sorted = [...ranges].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: [T, T][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= next(last[1])) {
      if (hi > last[1]) last[1] = hi;
    } else {
      out.push([lo, hi]);
    }
  }
  return out;
}

/** Merges two canonical lists in one pass (no sort). */
export function union<T extends number | bigint>(a: Ranges<T>, b: Ranges<T>): Ranges<T> {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out: [T, T][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const take = j >= b.length || (i < a.length && a[i]![0] <= b[j]![0]) ? a[i++]! : b[j++]!;
    const last = out[out.length - 1];
    if (last && take[0] <= next(last[1])) {
      if (take[1] > last[1]) last[1] = take[1];
    } else {
      out.push([take[0], take[1]]);
    }
  }
  return out;
}

export function intersect<T extends number | bigint>(a: Ranges<T>, b: Ranges<T>): Ranges<T> {
  if (a.length > b.length) return intersect(b, a);
  // A few ranges against thousands (a rule's addresses against every role's): each of the few
  // finds its first overlap by binary search, so the cost follows the short list.
  if (b.length > 8 * (a.length + 1)) return intersectSkewed(a, b);
  const out: Range<T>[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [alo, ahi] = a[i]!;
    const [blo, bhi] = b[j]!;
    const lo = alo > blo ? alo : blo;
    const hi = ahi < bhi ? ahi : bhi;
    if (lo <= hi) out.push([lo, hi]);
    if (ahi < bhi) i++;
    else j++;
  }
  return out;
}

/** `intersect` for a short list `a` and a long one `b`. */
function intersectSkewed<T extends number | bigint>(a: Ranges<T>, b: Ranges<T>): Ranges<T> {
  const out: Range<T>[] = [];
  let from = 0;
  for (const [lo, hi] of a) {
    // The first range of b that ends at or after lo (none before `from` does).
    let to = b.length;
    while (from < to) {
      const m = (from + to) >> 1;
      if (b[m]![1] < lo) from = m + 1;
      else to = m;
    }
    for (let k = from; k < b.length && b[k]![0] <= hi; k++) {
      const [blo, bhi] = b[k]!;
      out.push([blo > lo ? blo : lo, bhi < hi ? bhi : hi]);
    }
  }
  return out;
}

export function subtract<T extends number | bigint>(a: Ranges<T>, b: Ranges<T>): Ranges<T> {
  if (b.length === 0 || a.length === 0) return a;
  const out: Range<T>[] = [];
  let j = 0;
  for (const [alo, ahi] of a) {
    let lo = alo;
    while (j < b.length && b[j]![1] < lo) j++;
    let k = j;
    let done = false;
    while (k < b.length && b[k]![0] <= ahi) {
      const [blo, bhi] = b[k]!;
      if (blo > lo) out.push([lo, prev(blo)]);
      if (bhi >= ahi) {
        done = true;
        break;
      }
      lo = next(bhi);
      k++;
    }
    if (!done) out.push([lo, ahi]);
  }
  return out;
}

export function contains<T extends number | bigint>(set: Ranges<T>, x: T): boolean {
  let lo = 0;
  let hi = set.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [a, b] = set[mid]!;
    if (x < a) hi = mid - 1;
    else if (x > b) lo = mid + 1;
    else return true;
  }
  return false;
}

/** a ⊆ b; stops at the first range of `a` that `b` misses (b is canonical, so one range of b must hold it). */
export function isSubset<T extends number | bigint>(a: Ranges<T>, b: Ranges<T>): boolean {
  let j = 0;
  for (const [lo, hi] of a) {
    // The first range of b that ends at or after lo (a is sorted, so j only moves forward).
    let l = j;
    let h = b.length;
    while (l < h) {
      const m = (l + h) >> 1;
      if (b[m]![1] < lo) l = m + 1;
      else h = m;
    }
    j = l;
    const r = b[j];
    if (!r || r[0] > lo || r[1] < hi) return false;
  }
  return true;
}

export function equals<T extends number | bigint>(a: Ranges<T>, b: Ranges<T>): boolean {
  return a.length === b.length && a.every(([lo, hi], i) => lo === b[i]![0] && hi === b[i]![1]);
}
