import { DURATION_UNIT_LETTERS, splitCountAndUnit } from '../duration-shorthand.js';
import { PART_OF_DAY_WORDS } from './part-of-day.js';

/**
 * The words the natural-language schedule parser knows: day names, units, number words and
 * ordinals, plus example phrases used to suggest a close valid phrase after an error.
 */

/** Cron day-of-week numbers (Sunday 0 ... Saturday 6). */
const DAY_NUMBERS: Record<string, number> = {
  sunday: 0,
  sun: 0,
  monday: 1,
  mon: 1,
  tuesday: 2,
  tue: 2,
  tues: 2,
  wednesday: 3,
  wed: 3,
  weds: 3,
  thursday: 4,
  thu: 4,
  thur: 4,
  thurs: 4,
  friday: 5,
  fri: 5,
  saturday: 6,
  sat: 6,
};

/** Full English day names indexed by cron day number. */
export const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Weekday set Monday-Friday. */
export const WEEKDAYS = [1, 2, 3, 4, 5];
/** Weekend set Saturday and Sunday. */
export const WEEKEND = [0, 6];

/** One day name (singular or plural: `monday`, `mondays`, `mon`) to its cron number; null otherwise. */
export function dayNumber(token: string): number | null {
  if (token in DAY_NUMBERS) return DAY_NUMBERS[token];
  if (token.endsWith('s') && token.slice(0, -1) in DAY_NUMBERS && token.length > 4) return DAY_NUMBERS[token.slice(0, -1)];
  return null;
}

/**
 * A token naming a set of days: a day name, `weekday(s)`, `weekend(s)`, or a range such as
 * `mon-fri` / `monday-wednesday` (ranges do not wrap past Saturday). Null when it is not one.
 */
export function daySet(token: string): number[] | null {
  if (token === 'weekday' || token === 'weekdays') return [...WEEKDAYS];
  if (token === 'weekend' || token === 'weekends') return [...WEEKEND];
  const single = dayNumber(token);
  if (single !== null) return [single];
  const range = /^([a-z]+)-([a-z]+)$/.exec(token);
  if (range) {
    const from = dayNumber(range[1]);
    const to = dayNumber(range[2]);
    if (from !== null && to !== null && from <= to) return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  }
  return null;
}

/** Interval units the parser accepts. */
export const Unit = { MINUTE: 'minute', HOUR: 'hour', DAY: 'day', WEEK: 'week', MONTH: 'month', YEAR: 'year', SECOND: 'second' } as const;
export type Unit = (typeof Unit)[keyof typeof Unit];

const UNIT_WORDS: Record<string, Unit> = {
  minute: 'minute',
  minutes: 'minute',
  min: 'minute',
  mins: 'minute',
  hour: 'hour',
  hours: 'hour',
  hr: 'hour',
  hrs: 'hour',
  day: 'day',
  days: 'day',
  week: 'week',
  weeks: 'week',
  month: 'month',
  months: 'month',
  year: 'year',
  years: 'year',
  second: 'second',
  seconds: 'second',
  sec: 'second',
  secs: 'second',
};

/**
 * A unit word (`minutes`, `hrs`, `day`...) or letter to its {@link Unit}; null otherwise. The
 * letters are the duration shorthand's (`m`, `h`, `d`, `w`, so "every 30 m" reads as `30m`) plus
 * `s`, so that "30s" is told that seconds are not supported rather than not understood.
 */
export function unitOf(token: string): Unit | null {
  if (Object.hasOwn(UNIT_WORDS, token)) return UNIT_WORDS[token];
  if (Object.hasOwn(DURATION_UNIT_LETTERS, token)) return DURATION_UNIT_LETTERS[token as keyof typeof DURATION_UNIT_LETTERS];
  return token === 's' ? 'second' : null;
}

/** An interval read from the tokens at `index`: its count, unit, how many tokens it spans and its text. */
export interface IntervalTokens {
  n: number;
  unit: Unit;
  width: 1 | 2;
  text: string;
}

/**
 * An interval at `index`: a count glued to a unit, read with the duration shorthand's grammar
 * ({@link splitCountAndUnit}: `30m`, `2h`, `1d`, and the unit words too, `5min`, `2hrs`), or a
 * count and a unit word as two tokens (`30 minutes`, `two hours`, `30 m`). Null otherwise.
 */
export function readInterval(tokens: readonly string[], index: number): IntervalTokens | null {
  const token = tokens[index];
  if (token === undefined) return null;
  const glued = splitCountAndUnit(token);
  const gluedUnit = glued ? unitOf(glued.unit) : null;
  if (glued && gluedUnit) return { n: glued.count, unit: gluedUnit, width: 1, text: token };
  const n = numberOf(token);
  const unitWord = tokens[index + 1];
  const unit = n === null || unitWord === undefined ? null : unitOf(unitWord);
  return unit ? { n: n!, unit, width: 2, text: `${token} ${unitWord}` } : null;
}

const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  'forty-five': 45,
};

/** A cardinal number token (`15`, `two`) to its value; null otherwise. */
export function numberOf(token: string): number | null {
  if (/^\d+$/.test(token)) return Number(token);
  return NUMBER_WORDS[token] ?? null;
}

const ORDINAL_WORDS: Record<string, number> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
  tenth: 10,
};

/**
 * An ordinal day of the month (`1st`, `22nd`, `3rd`, `15th`, `first`) to its number; null when
 * the token is not an ordinal. A wrong suffix (`1th`, `2st`) is not an ordinal.
 */
export function ordinalOf(token: string): number | null {
  if (token in ORDINAL_WORDS) return ORDINAL_WORDS[token];
  const match = /^(\d{1,2})(st|nd|rd|th)$/.exec(token);
  if (!match) return null;
  const n = Number(match[1]);
  const lastTwo = n % 100;
  const expected = lastTwo >= 11 && lastTwo <= 13 ? 'th' : (({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th');
  return match[2] === expected ? n : null;
}

/** English ordinal for descriptions: 1st, 2nd, 3rd, 4th, 11th, 21st. */
export function ordinalText(n: number): string {
  const lastTwo = n % 100;
  if (lastTwo >= 11 && lastTwo <= 13) return `${n}th`;
  return `${n}${({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th'}`;
}

/** Filler words that carry no meaning for the schedule. */
export const FILLER = new Set(['the', 'of', 'a', 'an', 'per', 'and', 'on', 'at', 'in', 'every', 'each', 'other']);

/** Every word the parser understands, for "did you mean" on an unknown word. */
export const KNOWN_WORDS: readonly string[] = [
  ...Object.keys(DAY_NUMBERS),
  ...Object.keys(DAY_NUMBERS)
    .filter((d) => d.length > 3)
    .map((d) => `${d}s`),
  'weekday',
  'weekdays',
  'weekend',
  'weekends',
  ...Object.keys(UNIT_WORDS),
  ...Object.keys(NUMBER_WORDS),
  ...Object.keys(ORDINAL_WORDS),
  ...PART_OF_DAY_WORDS,
  ...FILLER,
  'between',
  'from',
  'to',
  'daily',
  'hourly',
  'weekly',
  'monthly',
  'yearly',
  'annually',
  'quarterly',
  'nightly',
  'twice',
  'noon',
  'midnight',
  'midday',
  'month',
];

/** Phrases that parse, offered when a whole expression is far from anything known. */
export const EXAMPLE_PHRASES: readonly string[] = [
  'every weekday at 9am',
  'every day at 9am',
  'daily at 9am',
  'hourly',
  'every hour',
  'every 15 minutes',
  'every 5 minutes',
  'every 2 hours',
  'every monday at 9am',
  'every friday at 5pm',
  'weekends at 10am',
  'twice a day',
  'monthly on the 1st',
  'every 15 minutes between 9am and 5pm',
  'every other hour',
  'weekly',
  'at noon',
  'at midnight',
  '5m',
  '2h',
  '1d',
];
