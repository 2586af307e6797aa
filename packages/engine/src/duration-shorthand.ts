/**
 * The duration shorthand users write in two places: workflow delay steps (`delays: { review: '2h' }`)
 * and schedule intervals (`30m`, `every 2h`). One grammar for both, so that `30m` means the same
 * everywhere: a whole count glued to one unit letter, lower-case (callers normalise case themselves).
 */

/** Unit letters of the shorthand and the unit each stands for: `m` minutes, `h` hours, `d` days, `w` weeks. */
export const DURATION_UNIT_LETTERS = { m: 'minute', h: 'hour', d: 'day', w: 'week' } as const;
/** A unit the shorthand can name. */
export type DurationUnit = (typeof DURATION_UNIT_LETTERS)[keyof typeof DURATION_UNIT_LETTERS];

/** Milliseconds in one of each {@link DurationUnit}. */
export const DURATION_UNIT_MS: Record<DurationUnit, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000 };

/** A count and the unit it counts, as read from `30m`. */
export interface DurationShorthand {
  count: number;
  unit: DurationUnit;
}

const COUNT_AND_UNIT = /^(\d+)([a-z]+)$/;

/**
 * Splits a count glued to a unit word: `30m` gives 30 and `m`, `5min` gives 5 and `min`. Null when
 * the token is not digits followed by letters. The caller decides which unit words it accepts
 * ({@link parseDurationShorthand} takes only the letters).
 */
export function splitCountAndUnit(token: string): { count: number; unit: string } | null {
  const match = COUNT_AND_UNIT.exec(token);
  return match ? { count: Number(match[1]), unit: match[2] } : null;
}

/** Reads `30m`, `2h`, `1d` or `1w`; null when the text is anything else (`30 m`, `30M`, `1.5h`, `30s`). */
export function parseDurationShorthand(text: string): DurationShorthand | null {
  const split = splitCountAndUnit(text);
  if (!split || !Object.hasOwn(DURATION_UNIT_LETTERS, split.unit)) return null;
  return { count: split.count, unit: DURATION_UNIT_LETTERS[split.unit as keyof typeof DURATION_UNIT_LETTERS] };
}

/** The length of a shorthand duration in milliseconds (`2h` is 7,200,000). */
export function durationMs(duration: DurationShorthand): number {
  return duration.count * DURATION_UNIT_MS[duration.unit];
}
