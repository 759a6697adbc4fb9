/**
 * Stable identifiers derived from what a rule or alias is, never from its position:
 *
 * - pfSense `tracker`: a u32 in 3000000000-4294967295, above the GUI's timestamp trackers
 *   (unix seconds) and the reserved automatic ranges (reference §1, §6). Taken from the SHA-1
 *   of the rule's key; a collision (rare) moves the later key, in key order, to the next free
 *   value, so adding or reordering unrelated rules leaves every other tracker as it was.
 * - OPNsense `uuid`: UUIDv5 of the key in palisade's own namespace.
 */
import { createHash } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';

export const TRACKER_MIN = 3_000_000_000;
export const TRACKER_MAX = 4_294_967_295;
const SPAN = TRACKER_MAX - TRACKER_MIN + 1;

/** palisade's UUIDv5 namespace (itself the UUIDv5 of "palisade" in the URL namespace). */
export const PALISADE_NAMESPACE = uuidv5('https://palisade.invalid/', uuidv5.URL);

function trackerOf(key: string): number {
  const digest = createHash('sha1').update(key).digest();
  return TRACKER_MIN + (digest.readUInt32BE(0) % SPAN);
}

/** A unique tracker per key (keys must be distinct). */
export function trackers(keys: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  const used = new Set<number>();
  for (const key of [...keys].sort()) {
    let t = trackerOf(key);
    while (used.has(t)) t = t === TRACKER_MAX ? TRACKER_MIN : t + 1;
    used.add(t);
    out.set(key, t);
  }
  return out;
}

/** The UUIDv5 of a kind (`rule`, `alias`) and a key. */
export function stableUuid(kind: string, key: string): string {
  return uuidv5(`${kind}:${key}`, PALISADE_NAMESPACE);
}
