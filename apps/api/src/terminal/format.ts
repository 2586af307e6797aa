/** Formatting of money, tokens and durations for the terminal. */

/** USD with 4 decimals under $1 (model calls cost fractions of a cent), else 2. */
export function formatUsd(value: number): string {
  return value < 1 ? `$${value.toFixed(4)}` : `$${value.toFixed(2)}`;
}

/** A cap in USD with 2 decimals (caps are set in cents). */
export function formatBudget(value: number): string {
  return `$${value.toFixed(2)}`;
}

/** Token count with thousands separators. */
export function formatTokens(value: number): string {
  return value.toLocaleString('en-US');
}

/** Duration from ms: "850ms", "12.3s", "4m 05s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return `${minutes}m ${String(seconds).padStart(2, '0')}s`;
}

/** A fixed-width table of rows of cells, left-aligned. */
export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}
