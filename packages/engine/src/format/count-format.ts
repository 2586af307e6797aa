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
