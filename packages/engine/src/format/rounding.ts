/**
 * Rounding as a reader expects it: half away from zero on the decimal digits as written, so
 * 1.005 rounds to 1.01 although its binary value is 1.00499999999999989…
 */
export function roundHalfAway(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  // 12 significant digits drop the binary noise of the scaling (1.005 * 100 = 100.49999999999999).
  const scaled = Number((Math.abs(value) * factor).toPrecision(12));
  return (Math.sign(value) * Math.round(scaled)) / factor;
}

/** Text shown for a value that is absent or not a number. */
export const MISSING = '—';

/** Whether a value can be formatted (a finite number). */
export function isFormattable(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
