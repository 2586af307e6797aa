import { quote } from '../input-excerpt.js';
import { ScheduleExpressionError } from './expression-error.js';

/** A wall-clock time in the schedule's timezone: hour 0-23, minute 0-59. */
export interface TimeOfDay {
  hour: number;
  minute: number;
}

const TWELVE_HOUR = /^(\d{1,2})(?::(\d{2}))?(am|pm)$/;
const TWENTY_FOUR_HOUR = /^(\d{1,2}):(\d{2})$/;
/** Named times of day: the words people use instead of a clock time. */
const NAMED_TIMES: Record<string, TimeOfDay> = {
  noon: { hour: 12, minute: 0 },
  midday: { hour: 12, minute: 0 },
  midnight: { hour: 0, minute: 0 },
};

/** Whether a token is shaped like a clock time (so a bad one gets a time-specific error). */
export function looksLikeTime(token: string): boolean {
  return TWELVE_HOUR.test(token) || TWENTY_FOUR_HOUR.test(token) || token in NAMED_TIMES || /^\d{1,2}(:\d{2})?(a|p)$/.test(token);
}

/**
 * Reads one time token: `9am`, `9:30pm`, `12am` (midnight), `12pm` (noon), `14:00`, `9:30`,
 * `noon`, `midday`, `midnight`. Returns null when the token is not a time at all; throws
 * {@link ScheduleExpressionError} when it is time-shaped but impossible (`13pm`, `9:75`, `25:00`).
 */
export function parseTimeToken(token: string): TimeOfDay | null {
  const named = NAMED_TIMES[token];
  if (named) return { ...named };
  const twelve = TWELVE_HOUR.exec(token);
  if (twelve) {
    const hour = Number(twelve[1]);
    const minute = twelve[2] === undefined ? 0 : Number(twelve[2]);
    if (hour < 1 || hour > 12)
      throw new ScheduleExpressionError(`${quote(token)} is not a valid time: with am/pm the hour must be 1-12.`, { suggestion: null });
    if (minute > 59) throw new ScheduleExpressionError(`${quote(token)} is not a valid time: minutes must be 00-59.`);
    const base = hour % 12;
    return { hour: twelve[3] === 'pm' ? base + 12 : base, minute };
  }
  const twentyFour = TWENTY_FOUR_HOUR.exec(token);
  if (twentyFour) {
    const hour = Number(twentyFour[1]);
    const minute = Number(twentyFour[2]);
    if (hour > 23) throw new ScheduleExpressionError(`${quote(token)} is not a valid time: the hour must be 0-23.`);
    if (minute > 59) throw new ScheduleExpressionError(`${quote(token)} is not a valid time: minutes must be 00-59.`);
    return { hour, minute };
  }
  return null;
}

/**
 * How sure a written time's hour is. `fixed`: am/pm, a name (`noon`) or a 24-hour clock (`06:30`,
 * `18:30`, `0:15`) settles it. `open`: `6:30` reads as 06:30 unless a part of day ("evening") says
 * 18:30. `bare`: a lone hour such as `7` needs am/pm or a part of day ("every morning at 7").
 */
export type HalfDay = 'fixed' | 'open' | 'bare';

/** A time as the user wrote it: its 24-hour reading, how sure that reading is, and the token. */
export interface WrittenTime {
  time: TimeOfDay;
  halfDay: HalfDay;
  text: string;
}

/**
 * Reads a time token with its {@link HalfDay}: everything {@link parseTimeToken} reads, plus a
 * lone hour 1-12. Null when the token is not a time; throws like {@link parseTimeToken}.
 */
export function readWrittenTime(token: string): WrittenTime | null {
  const time = parseTimeToken(token);
  // `6:30` is open; `06:30` (a leading zero) and `18:30` are written on a 24-hour clock.
  if (time) return { time, halfDay: /^([1-9]|1[0-2]):\d{2}$/.test(token) ? 'open' : 'fixed', text: token };
  const bare = /^\d{1,2}$/.test(token) ? Number(token) : 0;
  return bare >= 1 && bare <= 12 ? { time: { hour: bare, minute: 0 }, halfDay: 'bare', text: token } : null;
}

/** Formats a time for descriptions: `9:00 AM`, `12:00 PM` (noon), `12:00 AM` (midnight), `2:30 PM`. */
export function formatTime(time: TimeOfDay): string {
  const suffix = time.hour < 12 ? 'AM' : 'PM';
  const hour12 = time.hour % 12 === 0 ? 12 : time.hour % 12;
  return `${hour12}:${String(time.minute).padStart(2, '0')} ${suffix}`;
}

/** Formats several times as an English list: `9:00 AM and 5:00 PM`. */
export function formatTimes(times: TimeOfDay[]): string {
  return englishList(times.map(formatTime));
}

/** Joins items as `a`, `a and b`, `a, b and c`. */
export function englishList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
