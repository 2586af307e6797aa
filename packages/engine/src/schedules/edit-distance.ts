/**
 * Levenshtein distance between two strings (insertions, deletions and substitutions each cost 1),
 * used to suggest a close valid word or phrase for a misspelt schedule expression. Costs
 * `a.length × b.length` steps, so callers compare only short strings (see {@link closest}).
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length];
}

/** A tally of the work suggestions did: edit-distance steps (one per pair of characters compared). */
export interface EditWork {
  steps: number;
}

/**
 * The candidate closest to `input`, or null when even the closest is too far: more than
 * `maxRatio` of the longer string's length has to change (0.4 by default, so `wekday` finds
 * `weekday` but `banana` finds nothing).
 *
 * A candidate whose length differs from the input's by more than that allowance cannot be close
 * (the distance is at least the length difference), so it is not compared at all. That is the
 * cut that bounds the work whatever the input: an input longer than the longest candidate
 * divided by `1 - maxRatio` (16 characters for the parser's words, 72 for its example phrases)
 * is compared with nothing, and a shorter one costs at most its length times each candidate's.
 */
export function closest(input: string, candidates: readonly string[], maxRatio = 0.4, work?: EditWork): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const allowed = allowedDistance(input, candidate, maxRatio);
    if (Math.abs(input.length - candidate.length) > allowed) continue;
    if (work) work.steps += input.length * candidate.length;
    const distance = editDistance(input, candidate);
    if (distance <= allowed && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function allowedDistance(a: string, b: string, maxRatio: number): number {
  return Math.max(1, Math.floor(Math.max(a.length, b.length) * maxRatio));
}
