/**
 * Deep freezing of IR values. The IR is frozen so nothing can patch it (caches such as toCidrs
 * key on its range lists). Parts shared by many rules (endpoints, service sets) are frozen once,
 * when they are made; a rule is frozen when it is built and the rule list once all are, so the
 * final walk over the ruleset stops at the list instead of visiting every rule again.
 *
 * The invariant: a frozen plain object or array has only frozen (or primitive, or class
 * instance) values below it.
 */

/**
 * Freezes a value's own plain objects and arrays (not class instances such as spans and source
 * files). Freezing before descending makes "frozen" the visited mark.
 */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  if (Array.isArray(value)) {
    Object.freeze(value);
    for (let i = 0; i < value.length; i++) deepFreeze(value[i]);
    return value;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  Object.freeze(value);
  for (const key in value) deepFreeze((value as Record<string, unknown>)[key]);
  return value;
}
