import { isFormattable, MISSING, roundHalfAway } from './rounding.js';

/** Below this an amount is shown with up to 4 decimals: model calls cost fractions of a cent. */
const FRACTIONAL_BELOW_USD = 1;
/** The smallest amount 4 decimals can show. */
const SMALLEST_SHOWN_USD = 0.0001;

const cents = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const fractions = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 4 });

/**
 * A USD amount for people. From $1 up: cents with thousands separators (`$1,234,567.89`).
 * Below $1: up to 4 decimals without trailing zeros past the cents (`$0.135`, `$0.0018`,
 * `$0.05`), so a step that spent $0.0498 of a $0.05 cap does not read as having spent it all.
 * A positive amount too small for 4 decimals is `<$0.0001` (a negative one that small is
 * arithmetic noise: `$0.00`); absent or non-finite is `—`.
 * Rounding is half away from zero on the decimal digits ($0.00005 → `$0.0001`, $1.005 → `$1.01`).
 */
export function formatUsd(usd: number | null | undefined): string {
  if (!isFormattable(usd)) return MISSING;
  const sign = usd < 0 ? '-' : '';
  const fine = roundHalfAway(Math.abs(usd), 4);
  // Decide the precision on the rounded value: $0.99996 rounds to $1.0000, so it is shown in cents.
  if (fine >= FRACTIONAL_BELOW_USD) return `${sign}$${cents.format(roundHalfAway(Math.abs(usd), 2))}`;
  if (fine === 0) return usd > 0 ? `<$${SMALLEST_SHOWN_USD}` : '$0.00';
  return `${sign}$${fractions.format(fine)}`;
}

/** Rounds a USD amount up to the next whole cent (0.101 → 0.11), so a suggested cap is never below its basis. */
export function roundUpCents(usd: number): number {
  // Subtract a tiny epsilon first so binary noise (0.1 + 0.2) does not push an exact cent up.
  return Math.ceil(usd * 100 - 1e-9) / 100;
}
