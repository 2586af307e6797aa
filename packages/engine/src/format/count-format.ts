import { isFormattable, MISSING, roundHalfAway } from './rounding.js';

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A count (tokens, turns) with thousands separators: `12000` → `12,000`; absent is `—`. */
export function formatCount(n: number | null | undefined): string {
  return isFormattable(n) ? grouped.format(roundHalfAway(n, 0)) : MISSING;
}

/** A 0..1 ratio as whole percent: `0.905` → `91%`; absent is `—`. */
export function formatPercent(ratio: number | null | undefined): string {
  return isFormattable(ratio) ? `${roundHalfAway(ratio * 100, 0)}%` : MISSING;
}

/**
 * The noun for `count` things: the singular for exactly one, the plural otherwise
 * (`0 steps`, `1 step`, `2 steps`); `plural` defaults to the singular plus "s".
 */
export function nounFor(count: number, singular: string, plural = `${singular}s`): string {
  return count === 1 ? singular : plural;
}

/** A count with its noun: `1 step`, `3 steps`, `12,000 tokens`. */
export function formatQuantity(count: number, singular: string, plural?: string): string {
  return `${formatCount(count)} ${nounFor(count, singular, plural)}`;
}
