import { quote } from '../input-excerpt.js';
import { ScheduleExpressionError } from './expression-error.js';
import { englishList, formatTime, type TimeOfDay, type WrittenTime } from './time-of-day.js';

/**
 * The named parts of the day: the hour a schedule fires at when the phrase gives no time
 * ("every morning" is 09:00), and the hours a written time must fall in to belong to it
 * (`fromHour` inclusive, `toHour` exclusive; night wraps past midnight). Neighbouring parts
 * overlap by an hour (5 pm is afternoon and evening), as people use the words.
 */
export const PARTS_OF_DAY = {
  morning: { defaultHour: 9, fromHour: 5, toHour: 12 },
  afternoon: { defaultHour: 14, fromHour: 12, toHour: 18 },
  evening: { defaultHour: 18, fromHour: 17, toHour: 24 },
  night: { defaultHour: 21, fromHour: 20, toHour: 5 },
} as const;
/** One of the {@link PARTS_OF_DAY}. */
export type PartOfDay = keyof typeof PARTS_OF_DAY;

/** Every word naming a part of the day, singular and plural (`morning`, `mornings`). */
export const PART_OF_DAY_WORDS: readonly string[] = Object.keys(PARTS_OF_DAY).flatMap((part) => [part, `${part}s`]);

/** `morning` / `mornings` ... to its part; null for any other token. */
export function partOfDayOf(token: string): PartOfDay | null {
  const singular = token.endsWith('s') ? token.slice(0, -1) : token;
  return Object.hasOwn(PARTS_OF_DAY, singular) ? (singular as PartOfDay) : null;
}

/**
 * The clock times a phrase fires at, from the times it wrote and the parts of day it named.
 * A written time wins over a part's default hour ("every morning at 7am" is 07:00 only); the
 * part then settles an hour written without am/pm ("every evening at 6" is 18:00) and refuses a
 * time outside it ("every morning at 7pm": guessing either one could fire 12 hours off).
 * With no part, a lone hour (`at 7`) is refused as unclear.
 */
export function resolveTimesOfDay(written: readonly WrittenTime[], parts: readonly PartOfDay[]): TimeOfDay[] {
  if (!parts.length) return written.map((w) => (w.halfDay === 'bare' ? throwUnclear(w) : w.time));
  if (!written.length) return parts.map((part) => ({ hour: PARTS_OF_DAY[part].defaultHour, minute: 0 }));
  return written.map((w) => timeWithin(w, parts));
}

function throwUnclear(w: WrittenTime): never {
  throw new ScheduleExpressionError(
    `${quote(w.text)} is not a clear time: write it with am/pm or as 24-hour hh:mm (e.g. "9am", "9pm" or "09:00"), or name a part of the day ("every morning at ${w.text}").`,
  );
}

function timeWithin(w: WrittenTime, parts: readonly PartOfDay[]): TimeOfDay {
  const readings = w.halfDay === 'fixed' ? [w.time] : [0, 12].map((half) => ({ hour: (w.time.hour % 12) + half, minute: w.time.minute }));
  const fitting = readings.filter((t) => parts.some((part) => isWithin(t, part)));
  if (fitting.length === 1) return fitting[0];
  if (fitting.length > 1)
    throw new ScheduleExpressionError(
      `${quote(w.text)} could be ${englishList(fitting.map((t) => `${formatTime(t)} (${partsContaining(t)[0]})`)).replace(' and ', ' or ')}: write am or pm.`,
    );
  const named = `${englishList(parts.map((part) => `the ${part}`))} (${englishList(parts.map(spanText))})`;
  if (w.halfDay === 'fixed') {
    const elsewhere = partsContaining(w.time);
    return throwOutside(`${quote(w.text)} is not in ${named}${elsewhere.length ? `; it is in the ${englishList(elsewhere)}` : ''}`);
  }
  return throwOutside(`Neither ${readings.map(formatTime).join(' nor ')} (${quote(w.text)}) is in ${named}`);
}

function throwOutside(problem: string): never {
  throw new ScheduleExpressionError(`${problem}. Make the time and the part of the day agree, or leave one of them out.`);
}

function isWithin(time: TimeOfDay, part: PartOfDay): boolean {
  const { fromHour, toHour } = PARTS_OF_DAY[part];
  const hour = time.hour;
  return fromHour < toHour ? hour >= fromHour && hour < toHour : hour >= fromHour || hour < toHour;
}

function partsContaining(time: TimeOfDay): PartOfDay[] {
  return (Object.keys(PARTS_OF_DAY) as PartOfDay[]).filter((part) => isWithin(time, part));
}

/** `5:00 AM to 11:59 AM`: the span of a part as shown in errors. */
function spanText(part: PartOfDay): string {
  const { fromHour, toHour } = PARTS_OF_DAY[part];
  return `${formatTime({ hour: fromHour, minute: 0 })} to ${formatTime({ hour: (toHour + 23) % 24, minute: 59 })}`;
}
