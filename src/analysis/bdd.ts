/**
 * A reduced ordered binary decision diagram (ROBDD) package: hash-consed nodes in typed arrays,
 * an open-addressing unique table and a direct-mapped operation cache, as in Batfish's JavaBDD
 * and the prototype measured in reference/switch-acl-and-analysis.md (Part B). Nodes are never
 * freed: a manager lives for one command.
 *
 * Node 0 is false and node 1 is true. Variable 0 is the top of the order. Two BDDs over the same
 * manager are equal exactly when their node numbers are equal, which makes equality O(1).
 */

export type Node = number;

export const FALSE: Node = 0;
export const TRUE: Node = 1;

const OP_AND = 1;
const OP_OR = 2;
const OP_DIFF = 3;
const OP_XOR = 4;
const OP_ITE = 5;

export class Bdd {
  readonly numVars: number;
  #var: Int32Array;
  #lo: Int32Array;
  #hi: Int32Array;
  #count = 2;
  #table: Int32Array;
  #mask: number;
  readonly #cacheA: Int32Array;
  readonly #cacheB: Int32Array;
  readonly #cacheC: Int32Array;
  readonly #cacheOp: Int8Array;
  readonly #cacheR: Int32Array;
  readonly #cacheMask: number;

  constructor(numVars: number, capacity = 1 << 16, cacheBits = 20) {
    this.numVars = numVars;
    this.#var = new Int32Array(capacity);
    this.#lo = new Int32Array(capacity);
    this.#hi = new Int32Array(capacity);
    this.#var[0] = numVars;
    this.#var[1] = numVars;
    this.#table = new Int32Array(capacity * 2).fill(-1);
    this.#mask = capacity * 2 - 1;
    const cacheSize = 1 << cacheBits;
    this.#cacheA = new Int32Array(cacheSize).fill(-1);
    this.#cacheB = new Int32Array(cacheSize);
    this.#cacheC = new Int32Array(cacheSize);
    this.#cacheOp = new Int8Array(cacheSize);
    this.#cacheR = new Int32Array(cacheSize);
    this.#cacheMask = cacheSize - 1;
  }

  /** Number of nodes allocated so far (including the two terminals). */
  get size(): number {
    return this.#count;
  }

  varOf(n: Node): number {
    return this.#var[n]!;
  }

  low(n: Node): Node {
    return this.#lo[n]!;
  }

  high(n: Node): Node {
    return this.#hi[n]!;
  }

  /** The node (v ? hi : lo), reduced and hash-consed. */
  mk(v: number, lo: Node, hi: Node): Node {
    if (lo === hi) return lo;
    let slot = hash3(v, lo, hi) & this.#mask;
    for (;;) {
      const n = this.#table[slot]!;
      if (n === -1) break;
      if (this.#var[n] === v && this.#lo[n] === lo && this.#hi[n] === hi) return n;
      slot = (slot + 1) & this.#mask;
    }
    if (this.#count * 2 >= this.#table.length * 0.75) {
      this.#grow();
      return this.mk(v, lo, hi);
    }
    const n = this.#count++;
    this.#var[n] = v;
    this.#lo[n] = lo;
    this.#hi[n] = hi;
    this.#table[slot] = n;
    return n;
  }

  #grow(): void {
    const capacity = this.#var.length * 2;
    const grow = (a: Int32Array): Int32Array => {
      const b = new Int32Array(capacity);
      b.set(a);
      return b;
    };
    this.#var = grow(this.#var);
    this.#lo = grow(this.#lo);
    this.#hi = grow(this.#hi);
    this.#table = new Int32Array(capacity * 2).fill(-1);
    this.#mask = capacity * 2 - 1;
    for (let n = 2; n < this.#count; n++) {
      let slot = hash3(this.#var[n]!, this.#lo[n]!, this.#hi[n]!) & this.#mask;
      while (this.#table[slot] !== -1) slot = (slot + 1) & this.#mask;
      this.#table[slot] = n;
    }
  }

  /** The single-variable BDD `v`. */
  variable(v: number): Node {
    return this.mk(v, FALSE, TRUE);
  }

  #lookup(op: number, a: Node, b: Node, c: Node): number {
    const slot = hash4(op, a, b, c) & this.#cacheMask;
    if (this.#cacheA[slot] === a && this.#cacheB[slot] === b && this.#cacheC[slot] === c && this.#cacheOp[slot] === op) {
      return this.#cacheR[slot]!;
    }
    return -1;
  }

  #store(op: number, a: Node, b: Node, c: Node, r: Node): void {
    const slot = hash4(op, a, b, c) & this.#cacheMask;
    this.#cacheA[slot] = a;
    this.#cacheB[slot] = b;
    this.#cacheC[slot] = c;
    this.#cacheOp[slot] = op;
    this.#cacheR[slot] = r;
  }

  and(a: Node, b: Node): Node {
    if (a === FALSE || b === FALSE) return FALSE;
    if (a === TRUE) return b;
    if (b === TRUE || a === b) return a;
    if (a > b) [a, b] = [b, a];
    const cached = this.#lookup(OP_AND, a, b, 0);
    if (cached >= 0) return cached;
    const va = this.#var[a]!;
    const vb = this.#var[b]!;
    const v = va < vb ? va : vb;
    const r = this.mk(
      v,
      this.and(va === v ? this.#lo[a]! : a, vb === v ? this.#lo[b]! : b),
      this.and(va === v ? this.#hi[a]! : a, vb === v ? this.#hi[b]! : b),
    );
    this.#store(OP_AND, a, b, 0, r);
    return r;
  }

  or(a: Node, b: Node): Node {
    if (a === TRUE || b === TRUE) return TRUE;
    if (a === FALSE) return b;
    if (b === FALSE || a === b) return a;
    if (a > b) [a, b] = [b, a];
    const cached = this.#lookup(OP_OR, a, b, 0);
    if (cached >= 0) return cached;
    const va = this.#var[a]!;
    const vb = this.#var[b]!;
    const v = va < vb ? va : vb;
    const r = this.mk(
      v,
      this.or(va === v ? this.#lo[a]! : a, vb === v ? this.#lo[b]! : b),
      this.or(va === v ? this.#hi[a]! : a, vb === v ? this.#hi[b]! : b),
    );
    this.#store(OP_OR, a, b, 0, r);
    return r;
  }

  /** a ∧ ¬b */
  diff(a: Node, b: Node): Node {
    if (a === FALSE || b === TRUE || a === b) return FALSE;
    if (b === FALSE) return a;
    if (a === TRUE) return this.not(b);
    const cached = this.#lookup(OP_DIFF, a, b, 0);
    if (cached >= 0) return cached;
    const va = this.#var[a]!;
    const vb = this.#var[b]!;
    const v = va < vb ? va : vb;
    const r = this.mk(
      v,
      this.diff(va === v ? this.#lo[a]! : a, vb === v ? this.#lo[b]! : b),
      this.diff(va === v ? this.#hi[a]! : a, vb === v ? this.#hi[b]! : b),
    );
    this.#store(OP_DIFF, a, b, 0, r);
    return r;
  }

  xor(a: Node, b: Node): Node {
    if (a === b) return FALSE;
    if (a === FALSE) return b;
    if (b === FALSE) return a;
    if (a > b) [a, b] = [b, a];
    const cached = this.#lookup(OP_XOR, a, b, 0);
    if (cached >= 0) return cached;
    const va = this.#var[a]!;
    const vb = this.#var[b]!;
    const v = va < vb ? va : vb;
    const r = this.mk(
      v,
      this.xor(va === v ? this.#lo[a]! : a, vb === v ? this.#lo[b]! : b),
      this.xor(va === v ? this.#hi[a]! : a, vb === v ? this.#hi[b]! : b),
    );
    this.#store(OP_XOR, a, b, 0, r);
    return r;
  }

  not(a: Node): Node {
    return this.xor(a, TRUE);
  }

  /** if f then g else h */
  ite(f: Node, g: Node, h: Node): Node {
    if (f === TRUE) return g;
    if (f === FALSE) return h;
    if (g === h) return g;
    if (g === TRUE && h === FALSE) return f;
    if (g === FALSE && h === TRUE) return this.not(f);
    if (g === TRUE) return this.or(f, h);
    if (h === FALSE) return this.and(f, g);
    if (g === FALSE) return this.diff(h, f);
    if (h === TRUE) return this.or(this.not(f), g);
    const cached = this.#lookup(OP_ITE, f, g, h);
    if (cached >= 0) return cached;
    const vf = this.#var[f]!;
    const vg = this.#var[g]!;
    const vh = this.#var[h]!;
    let v = vf < vg ? vf : vg;
    if (vh < v) v = vh;
    const r = this.mk(
      v,
      this.ite(vf === v ? this.#lo[f]! : f, vg === v ? this.#lo[g]! : g, vh === v ? this.#lo[h]! : h),
      this.ite(vf === v ? this.#hi[f]! : f, vg === v ? this.#hi[g]! : g, vh === v ? this.#hi[h]! : h),
    );
    this.#store(OP_ITE, f, g, h, r);
    return r;
  }

  /**
   * lo ≤ x ≤ hi for the unsigned number x whose `width` bits are variables first..first+width-1,
   * most significant first. O(width) nodes.
   */
  range(first: number, width: number, lo: bigint, hi: bigint): Node {
    if (lo > hi) return FALSE;
    const loBits = lo.toString(2).padStart(width, '0');
    const hiBits = hi.toString(2).padStart(width, '0');
    // Built bottom-up: at each depth, the node for each of the four (tight on lo, tight on hi) states.
    let next = [TRUE, TRUE, TRUE, TRUE];
    for (let i = width - 1; i >= 0; i--) {
      const lb = loBits.charCodeAt(i) === 49 ? 1 : 0;
      const hb = hiBits.charCodeAt(i) === 49 ? 1 : 0;
      const here = [TRUE, TRUE, TRUE, TRUE];
      for (let state = 1; state < 4; state++) {
        const tightLo = (state & 2) !== 0;
        const tightHi = (state & 1) !== 0;
        const l = tightLo ? lb : 0;
        const h = tightHi ? hb : 1;
        const low = l === 0 ? next[(tightLo ? 2 : 0) | (tightHi && h === 0 ? 1 : 0)]! : FALSE;
        const high = h === 1 ? next[(tightLo && l === 1 ? 2 : 0) | (tightHi ? 1 : 0)]! : FALSE;
        here[state] = this.mk(first + i, low, high);
      }
      next = here;
    }
    return next[3]!;
  }

  /** x = value for the `width` bits starting at variable `first`. */
  equal(first: number, width: number, value: bigint): Node {
    return this.range(first, width, value, value);
  }

  /**
   * One satisfying assignment, as a map from variable to bit, preferring `0` at every choice
   * (variables not on the path are unconstrained and read as 0). Undefined for false.
   */
  anySat(n: Node): Map<number, 0 | 1> | undefined {
    if (n === FALSE) return undefined;
    const out = new Map<number, 0 | 1>();
    while (n !== TRUE) {
      const lo = this.#lo[n]!;
      if (lo !== FALSE) {
        out.set(this.#var[n]!, 0);
        n = lo;
      } else {
        out.set(this.#var[n]!, 1);
        n = this.#hi[n]!;
      }
    }
    return out;
  }

  /** The cofactor of n with variable v fixed to `bit`. */
  restrict(n: Node, v: number, bit: 0 | 1, memo = new Map<Node, Node>()): Node {
    if (n < 2) return n;
    const nv = this.#var[n]!;
    if (nv > v) return n;
    if (nv === v) return bit ? this.#hi[n]! : this.#lo[n]!;
    const known = memo.get(n);
    if (known !== undefined) return known;
    const r = this.mk(nv, this.restrict(this.#lo[n]!, v, bit, memo), this.restrict(this.#hi[n]!, v, bit, memo));
    memo.set(n, r);
    return r;
  }

  /** The number of satisfying assignments over all variables (exact, as a BigInt). */
  satCount(n: Node): bigint {
    const memo = new Map<Node, bigint>();
    const count = (m: Node): bigint => {
      // Assignments of the variables from var(m) down.
      if (m === FALSE) return 0n;
      if (m === TRUE) return 1n;
      const known = memo.get(m);
      if (known !== undefined) return known;
      const v = this.#var[m]!;
      const lo = this.#lo[m]!;
      const hi = this.#hi[m]!;
      const c =
        count(lo) * (1n << BigInt(this.#var[lo]! - v - 1)) + count(hi) * (1n << BigInt(this.#var[hi]! - v - 1));
      memo.set(m, c);
      return c;
    };
    return count(n) * (1n << BigInt(this.#var[n]!));
  }
}

function hash3(a: number, b: number, c: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77) ^ Math.imul(c, 0xc2b2ae3d);
  h ^= h >>> 15;
  return Math.imul(h, 0x27d4eb2f) >>> 0;
}

function hash4(a: number, b: number, c: number, d: number): number {
  let h = Math.imul(a, 0x165667b1) ^ Math.imul(b, 0x9e3779b1) ^ Math.imul(c, 0x85ebca77) ^ Math.imul(d, 0xc2b2ae3d);
  h ^= h >>> 13;
  return Math.imul(h, 0x27d4eb2f) >>> 0;
}
