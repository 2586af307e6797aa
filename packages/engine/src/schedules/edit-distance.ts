/**
 * Levenshtein distance between two strings (insertions, deletions and substitutions each cost 1),
 * used to suggest a close valid word or phrase for a misspelt schedule expression.
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

/**
 * The candidate closest to `input`, or null when even the closest is too far: more than
 * `maxRatio` of the longer string's length has to change (0.4 by default, so `wekday` finds
 * `weekday` but `banana` finds nothing).
 */
export function closest(input: string, candidates: readonly string[], maxRatio = 0.4): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(input, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === null) return null;
  return bestDistance <= Math.max(1, Math.floor(Math.max(input.length, best.length) * maxRatio)) ? best : null;
}
