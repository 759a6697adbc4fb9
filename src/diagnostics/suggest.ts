import { distance } from 'fastest-levenshtein';

/**
 * The candidate closest to `name`, if it is close enough to be a likely typo
 * (graphql-js `suggestionList` threshold: at most 40% of the name's length, and at least 1).
 */
export function nearest(name: string, candidates: Iterable<string>): string | undefined {
  const threshold = Math.max(1, Math.floor(name.length * 0.4));
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = name.toLowerCase();
  for (const candidate of candidates) {
    const d = candidate.toLowerCase() === lower ? 0.5 : distance(name, candidate);
    if (d <= threshold && (d < bestDistance || (d === bestDistance && best !== undefined && candidate < best))) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** `did you mean "x"?` for the nearest candidate, or undefined. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const n = nearest(name, candidates);
  return n === undefined ? undefined : `did you mean ${JSON.stringify(n)}?`;
}
