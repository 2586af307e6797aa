import { quote } from '../input-excerpt.js';
import { ScheduleExpressionError } from './expression-error.js';
import { daysPhrase } from './cron-builder.js';
import { formatTimes } from './time-of-day.js';

/** One field of a 5-field cron expression with its allowed numeric range. */
interface CronField {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  // 7 is accepted as Sunday, as most cron implementations do.
  { name: 'day-of-week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

const CRON_TOKEN = /^[0-9*/,\-?#lw]+$|^[a-z]{3}([-,/][a-z0-9]+)*$/i;

/**
 * How many whitespace-separated parts of `text` look like cron fields, or 0 when any part does
 * not. Used to decide whether an expression is meant as raw cron (so a 6-field cron gets a
 * field-count error instead of "unknown word").
 */
export function cronLikeFieldCount(text: string): number {
  const parts = text.trim().split(/\s+/);
  if (!parts.every((p) => CRON_TOKEN.test(p))) return 0;
  if (!parts.some((p) => /[*\d]/.test(p))) return 0;
  return parts.length;
}

/**
 * Validates a standard 5-field cron expression (numbers, `*`, ranges `a-b`, steps `/n`, lists,
 * month and weekday names). Throws {@link ScheduleExpressionError} naming the field and the value
 * at fault. Returns the normalised expression (single spaces, lower-case names).
 */
export function validateCron(expression: string): string {
  const parts = expression.trim().toLowerCase().split(/\s+/);
  if (parts.length !== 5)
    throw new ScheduleExpressionError(
      `A cron expression needs exactly 5 fields (minute hour day-of-month month day-of-week); ${quote(expression.trim())} has ${parts.length}.${parts.length === 6 ? ' Seconds are not supported.' : ''}`,
    );
  parts.forEach((part, index) => validateField(part, FIELDS[index]));
  if (parts[2] !== '*' && parts[4] !== '*')
    throw new ScheduleExpressionError(
      `Cron fires when EITHER the day-of-month (${parts[2]}) OR the day-of-week (${parts[4]}) matches, which is rarely what is meant. Set one of them to *.`,
    );
  return parts.join(' ');
}

function validateField(part: string, field: CronField): void {
  for (const item of part.split(',')) {
    const [range, step, extra] = item.split('/');
    if (extra !== undefined || range === '') throw fieldError(field, part, `${quote(item)} is malformed`);
    if (step !== undefined) {
      if (!/^\d+$/.test(step) || Number(step) < 1) throw fieldError(field, part, `the step "/${step}" must be a whole number of at least 1`);
      if (Number(step) > field.max) throw fieldError(field, part, `the step "/${step}" is larger than the field's range ${field.min}-${field.max}`);
    }
    if (range === '*') continue;
    const bounds = range.split('-');
    if (bounds.length > 2) throw fieldError(field, part, `${quote(range)} is not a range`);
    const values = bounds.map((b) => fieldValue(b, field, part));
    if (values.length === 2 && values[0] > values[1]) throw fieldError(field, part, `the range ${quote(range)} runs backwards`);
    if (step !== undefined && values.length === 1) throw fieldError(field, part, `a step needs * or a range before it (e.g. "*/${step}")`);
  }
}

function fieldValue(text: string, field: CronField, part: string): number {
  const named = field.names?.indexOf(text) ?? -1;
  if (named >= 0) return named + field.min;
  if (!/^\d+$/.test(text)) throw fieldError(field, part, `${quote(text)} is not a number${field.names ? ' or a name' : ''}`);
  const value = Number(text);
  if (value < field.min || value > field.max) throw fieldError(field, part, `${value} is outside ${field.min}-${field.max}`);
  return value;
}

function fieldError(field: CronField, part: string, reason: string): ScheduleExpressionError {
  return new ScheduleExpressionError(`Invalid cron ${field.name} field ${quote(part)}: ${reason}.`);
}

/**
 * An English description of a valid 5-field cron expression: the common shapes get a sentence
 * ("Every 15 minutes", "Every weekday at 9:00 AM"), anything else a field-by-field reading.
 */
export function describeCron(cron: string): string {
  const [minute, hour, dom, month, dow] = cron.split(' ');
  const plainDays = dom === '*' && month === '*';
  const step = (field: string) => (field === '*' ? 1 : /^\*\/(\d+)$/.exec(field) ? Number(field.slice(2)) : null);
  const minuteStep = step(minute);
  if (minuteStep !== null && hour === '*' && plainDays && dow === '*') return minuteStep === 1 ? 'Every minute' : `Every ${minuteStep} minutes`;
  const hourStep = step(hour);
  if (minute === '0' && hourStep !== null && plainDays && dow === '*') return hourStep === 1 ? 'Every hour' : `Every ${hourStep} hours`;
  const days = weekdayList(dow);
  if (/^\d+$/.test(minute) && /^\d+(,\d+)*$/.test(hour) && plainDays && days) {
    const times = hour.split(',').map((h) => ({ hour: Number(h), minute: Number(minute) }));
    return `${daysPhrase(days)} at ${formatTimes(times)}`;
  }
  return `At minute ${minute}, hour ${hour}, day-of-month ${dom}, month ${month}, day-of-week ${dow}`;
}

/** Expands a plain numeric day-of-week field (`*`, `1-5`, `0,6`, `1,3,5`) or returns null. */
function weekdayList(dow: string): number[] | null {
  if (dow === '*') return [0, 1, 2, 3, 4, 5, 6];
  const days: number[] = [];
  for (const item of dow.split(',')) {
    const range = /^(\d)(?:-(\d))?$/.exec(item);
    if (!range) return null;
    for (let d = Number(range[1]); d <= Number(range[2] ?? range[1]); d++) days.push(d % 7);
  }
  return days;
}
