import { quote } from '../input-excerpt.js';
import { ScheduleExpressionError } from './expression-error.js';
import type { ScheduleSpec } from './phrase-parser.js';
import { englishList, formatTimes, type TimeOfDay } from './time-of-day.js';
import { DAY_NAMES, ordinalText } from './vocabulary.js';

/** A cron expression with an English description of when it fires. */
export interface CompiledSchedule {
  /** Standard 5-field cron: minute hour day-of-month month day-of-week. */
  cron: string;
  description: string;
}

const NINE_AM: TimeOfDay = { hour: 9, minute: 0 };
/** `twice a day` without times means 09:00 and 17:00: the start and end of a working day. */
const TWICE_A_DAY: TimeOfDay[] = [
  { hour: 9, minute: 0 },
  { hour: 17, minute: 0 },
];
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * Turns a {@link ScheduleSpec} into cron plus a description, filling defaults (09:00, Monday,
 * the 1st) and throwing {@link ScheduleExpressionError} for what one 5-field cron cannot say:
 * times with different minutes, intervals that do not fit their field, day-of-week together with
 * day-of-month (cron would fire on either, not both).
 */
export function buildCron(spec: ScheduleSpec): CompiledSchedule {
  if (spec.daysOfWeek?.length && spec.daysOfMonth?.length)
    throw new ScheduleExpressionError(
      'A schedule cannot name both weekdays and days of the month: cron would fire on either one, not only when both match. Keep one of them.',
    );
  const every = spec.every;
  if (spec.window && every?.unit !== 'minute' && every?.unit !== 'hour')
    throw new ScheduleExpressionError(
      'A time window ("between 9am and 5pm") only applies to minute or hour intervals, as in "every 15 minutes between 9am and 5pm".',
    );
  if (every?.unit === 'minute' || every?.unit === 'hour') return intervalCron(spec, every.unit, every.n, every.text);
  if (every?.unit === 'month' || (!every && !spec.weekly && spec.daysOfMonth?.length)) return monthlyCron(spec, every?.n ?? 1);
  if (every?.unit === 'day' && every.n > 1) return everyNDaysCron(spec, every.n, every.text);
  if (!every && !spec.weekly && !spec.daysOfWeek && !spec.times)
    throw new ScheduleExpressionError('The expression does not say when to fire: add a time, a day or an interval, as in "every day at 9am".');
  const days = spec.daysOfWeek ?? (spec.weekly ? [1] : null);
  const times = resolveTimes(spec);
  const cron = `${minuteHour(times)} * * ${days ? dayField(days) : '*'}`;
  return { cron, description: `${daysPhrase(days)} at ${formatTimes(times)}` };
}

function resolveTimes(spec: ScheduleSpec): TimeOfDay[] {
  if (spec.twiceADay) {
    if (!spec.times) return TWICE_A_DAY;
    if (spec.times.length !== 2)
      throw new ScheduleExpressionError(`"twice a day" needs exactly two times, but ${spec.times.length} were given (${formatTimes(spec.times)}).`);
  }
  return spec.times ?? [NINE_AM];
}

/** `M H1,H2`: one minute value shared by every hour, else cron would also fire at the cross product. */
function minuteHour(times: TimeOfDay[]): string {
  const minutes = new Set(times.map((t) => t.minute));
  if (minutes.size > 1)
    throw new ScheduleExpressionError(
      `${formatTimes(times)} have different minutes: one cron expression would also fire at every other combination of those hours and minutes. Create one schedule per time.`,
    );
  return `${times[0].minute} ${[...new Set(times.map((t) => t.hour))].sort((a, b) => a - b).join(',')}`;
}

function intervalCron(spec: ScheduleSpec, unit: 'minute' | 'hour', n: number, text: string): CompiledSchedule {
  if (spec.times)
    throw new ScheduleExpressionError(
      `${quote(text)} fires around the clock, so it cannot also have a time of day (${formatTimes(spec.times)}). Use one or the other.`,
    );
  if (spec.daysOfMonth?.length)
    throw new ScheduleExpressionError(
      `${quote(text)} cannot be limited to days of the month; limit it to weekdays instead (e.g. ${quote(`${text} on weekdays`)}).`,
    );
  const limit = unit === 'minute' ? 60 : 24;
  // Whole larger units convert: 60 minutes is hourly, 24 hours is daily at midnight.
  if (n === limit)
    return unit === 'minute'
      ? intervalCron(spec, 'hour', 1, text)
      : buildCron({ ...spec, every: { unit: 'day', n: 1, text }, times: [{ hour: 0, minute: 0 }] });
  if (unit === 'minute' && n % 60 === 0 && n / 60 < 24 && 24 % (n / 60) === 0) return intervalCron(spec, 'hour', n / 60, text);
  if (n > limit)
    throw new ScheduleExpressionError(
      unit === 'minute'
        ? `${quote(text)} cannot be expressed in cron: a minute interval must be 1-59 (or whole hours that divide the day). Use "every hour" or "every 2 hours".`
        : `${quote(text)} cannot be expressed in cron: an hour interval must be 1-24. Use "every day" or "every 2 days".`,
    );
  const days = spec.daysOfWeek ? dayField(spec.daysOfWeek) : '*';
  const step = n === 1 ? '*' : `*/${n}`;
  if (spec.window) return windowedIntervalCron(spec.window, unit, n, days, text, spec.daysOfWeek ? onDaysPhrase(spec.daysOfWeek) : '');
  const cron = unit === 'minute' ? `${step} * * * ${days}` : `0 ${step} * * ${days}`;
  const base = n === 1 ? `Every ${unit}` : `Every ${n} ${unit}s`;
  // Cron steps restart at the top of each hour (or at midnight): say so when the gap is uneven.
  const uneven =
    limit % n === 0
      ? ''
      : ` (the count restarts every ${unit === 'minute' ? 'hour' : 'day'}, so the last gap is ${limit - Math.floor((limit - 1) / n) * n} ${unit}s)`;
  const dayText = spec.daysOfWeek ? onDaysPhrase(spec.daysOfWeek) : '';
  return { cron, description: `${base}${uneven}${dayText}` };
}

/**
 * An interval inside whole-hour bounds. Minute intervals stop before the end hour (`*\/15 9-16`:
 * last firing 16:45, since cron cannot add 17:00 alone); hour intervals include it (`0 9-17/2`).
 */
function windowedIntervalCron(
  window: { from: TimeOfDay; to: TimeOfDay },
  unit: 'minute' | 'hour',
  n: number,
  days: string,
  text: string,
  dayText: string,
): CompiledSchedule {
  const { from, to } = window;
  if (from.minute !== 0 || to.minute !== 0)
    throw new ScheduleExpressionError(`The window ${formatTimes([from, to]).replace(' and ', ' to ')} must start and end on the hour for ${quote(text)}.`);
  if (to.hour <= from.hour)
    throw new ScheduleExpressionError(
      `The window must end after it starts (${formatTimes([from, to]).replace(' and ', ' to ')}); windows that cross midnight need two schedules.`,
    );
  const between = `between ${formatTimes([from, to])}`;
  if (unit === 'minute') {
    const lastHour = to.hour - 1;
    const lastMinute = Math.floor(59 / n) * n;
    const hours = lastHour === from.hour ? `${from.hour}` : `${from.hour}-${lastHour}`;
    return {
      cron: `${n === 1 ? '*' : `*/${n}`} ${hours} * * ${days}`,
      description: `Every ${n === 1 ? 'minute' : `${n} minutes`} ${between}${dayText} (last at ${formatTimes([{ hour: lastHour, minute: lastMinute }])})`,
    };
  }
  const last = from.hour + Math.floor((to.hour - from.hour) / n) * n;
  return {
    cron: `0 ${from.hour}-${to.hour}${n === 1 ? '' : `/${n}`} * * ${days}`,
    description: `Every ${n === 1 ? 'hour' : `${n} hours`} ${between}${dayText} (first at ${formatTimes([from])}, last at ${formatTimes([{ hour: last, minute: 0 }])})`,
  };
}

function everyNDaysCron(spec: ScheduleSpec, n: number, text: string): CompiledSchedule {
  if (spec.daysOfWeek?.length) throw new ScheduleExpressionError(`${quote(text)} cannot be combined with weekdays; cron can do one or the other.`);
  if (n > 31) throw new ScheduleExpressionError(`${quote(text)} cannot be expressed in cron: a day interval must be 1-31.`);
  const times = resolveTimes(spec);
  const firstDays = [1, 1 + n, 1 + 2 * n].filter((d) => d <= 31).map(ordinalText);
  return {
    cron: `${minuteHour(times)} */${n} * *`,
    description: `Every ${n} days at ${formatTimes(times)} (on the ${firstDays.join(', ')}, … of each month; the count restarts on the 1st)`,
  };
}

function monthlyCron(spec: ScheduleSpec, n: number): CompiledSchedule {
  if (spec.daysOfWeek?.length)
    throw new ScheduleExpressionError('A monthly schedule cannot also name weekdays: cron would fire on either one. Use a day of the month ("on the 1st").');
  if (n > 12) throw new ScheduleExpressionError(`Every ${n} months cannot be expressed in cron: a month interval must be 1-12. Use "yearly".`);
  const days = spec.daysOfMonth?.length ? spec.daysOfMonth : [1];
  const times = resolveTimes(spec);
  const monthField = spec.yearly ? '1' : n === 1 ? '*' : `*/${n}`;
  const dayText = englishList(days.map(ordinalText));
  const skipped = Math.max(...days) > 28 ? ` (months without a ${ordinalText(Math.max(...days))} are skipped)` : '';
  const months = spec.yearly
    ? 'January'
    : n === 1
      ? 'every month'
      : `every ${ordinalText(n)} month (${englishList(MONTH_NAMES.filter((_, i) => i % n === 0))})`;
  const description = spec.yearly
    ? `Every year on ${months} ${dayText} at ${formatTimes(times)}${skipped}`
    : `On the ${dayText} of ${months} at ${formatTimes(times)}${skipped}`;
  return { cron: `${minuteHour(times)} ${days.join(',')} ${monthField} *`, description };
}

/** Cron day-of-week field: `*` for all seven, runs of three or more as ranges (`1-5`), else a list. */
export function dayField(days: number[]): string {
  const sorted = [...new Set(days.map((d) => d % 7))].sort((a, b) => a - b);
  if (sorted.length === 7) return '*';
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    if (j - i >= 2) parts.push(`${sorted[i]}-${sorted[j]}`);
    else for (let k = i; k <= j; k++) parts.push(String(sorted[k]));
    i = j + 1;
  }
  return parts.join(',');
}

/** `Every day`, `Every weekday`, `Every Saturday and Sunday`, `Every Monday and Thursday`. */
export function daysPhrase(days: number[] | null): string {
  const field = days ? dayField(days) : '*';
  if (field === '*') return 'Every day';
  if (field === '1-5') return 'Every weekday';
  return `Every ${englishList(field === '0,6' ? ['Saturday', 'Sunday'] : [...new Set(days!.map((d) => d % 7))].sort((a, b) => a - b).map((d) => DAY_NAMES[d]))}`;
}

/** ` on weekdays`, ` on weekends`, ` on Monday and Friday`; empty for every day. */
function onDaysPhrase(days: number[]): string {
  const field = dayField(days);
  if (field === '*') return '';
  if (field === '1-5') return ' on weekdays';
  if (field === '0,6') return ' on weekends';
  return ` on ${englishList([...new Set(days.map((d) => d % 7))].sort((a, b) => a - b).map((d) => DAY_NAMES[d]))}`;
}
