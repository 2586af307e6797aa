/**
 * Money and number formatting shared by the intelligence modules, so every suggestion quotes
 * amounts the same way. Amounts are USD; durations are ms.
 */

/** Rounds a USD amount up to the next whole cent (0.101 → 0.11), so a suggested cap is never below its basis. */
export function roundUpCents(usd: number): number {
  // Subtract a tiny epsilon first so binary noise (0.1 + 0.2) does not push an exact cent up.
  return Math.ceil(usd * 100 - 1e-9) / 100;
}

/**
 * A USD amount for text: cents from $1 up (`$12.50`); below $1 up to 4 decimals without
 * trailing zeros past the cents (`$0.135`, `$0.0018`, `$0.05`), because step costs are often
 * fractions of a cent and rounding them would make spent and cap look equal.
 */
export function formatUsd(usd: number): string {
  if (Math.abs(usd) >= 1 || usd === 0) return `$${usd.toFixed(2)}`;
  const text = usd.toFixed(4).replace(/0{1,2}$/, '');
  return `$${text}`;
}

/** A duration in ms for text: `850 ms`, `12.5 s`, `3m 05s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes}m ${String(seconds).padStart(2, '0')}s`;
}

/** A 0..1 ratio as whole percent text (`0.905` → `91%`). */
export function formatPercent(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}

/** A count with thousands separators (`12000` → `12,000`). */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
