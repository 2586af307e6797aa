import { isFormattable, MISSING, roundHalfAway } from './rounding.js';

/**
 * Each tier shows a duration at one precision, up to (not including) its limit. The value is
 * rounded at a tier's precision before it is compared with the limit, so a duration that rounds
 * up to the limit moves to the next tier (59.96 s is "1m 00s", 119.6 s is "2m 00s") instead of
 * printing an impossible "1m 60s".
 */
const TIERS: readonly { limitMs: number; stepMs: number; render: (ms: number) => string }[] = [
  { limitMs: 1000, stepMs: 1, render: (ms) => `${ms} ms` },
  { limitMs: 60_000, stepMs: 100, render: (ms) => `${(ms / 1000).toFixed(1)} s` },
  { limitMs: 3_600_000, stepMs: 1000, render: (ms) => pair(ms, 60_000, 'm', 1000, 's') },
  { limitMs: 86_400_000, stepMs: 60_000, render: (ms) => pair(ms, 3_600_000, 'h', 60_000, 'm') },
  { limitMs: Infinity, stepMs: 3_600_000, render: (ms) => pair(ms, 86_400_000, 'd', 3_600_000, 'h') },
];

/** "2m 05s": the whole larger unit and the remainder in the smaller one, two digits. */
function pair(ms: number, bigMs: number, big: string, smallMs: number, small: string): string {
  const whole = Math.floor(ms / bigMs);
  const rest = Math.round((ms - whole * bigMs) / smallMs);
  return `${whole}${big} ${String(rest).padStart(2, '0')}${small}`;
}

/**
 * A duration in ms for people: `850 ms`, `12.5 s`, `2m 05s`, `1h 05m`, `2d 03h`. Negative
 * durations (clock skew) read as `0 ms`; an absent or non-finite value is `—`.
 */
export function formatDuration(ms: number | null | undefined): string {
  if (!isFormattable(ms)) return MISSING;
  const value = Math.max(0, ms);
  for (const tier of TIERS) {
    const rounded = roundHalfAway(value / tier.stepMs, 0) * tier.stepMs;
    if (rounded < tier.limitMs) return tier.render(rounded);
  }
  // The last tier has no limit; this line only satisfies the type checker.
  return MISSING;
}
