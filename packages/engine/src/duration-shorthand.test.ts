import { describe, expect, it } from 'vitest';
import { parseDurationShorthand } from './duration-shorthand.js';
import { compileExpression, parseScheduleExpression } from './schedules/expression-parser.js';
import { parseDelay } from './workflows/definition-schema.js';

describe('the duration shorthand', () => {
  it.each([
    ['30m', { count: 30, unit: 'minute' }],
    ['2h', { count: 2, unit: 'hour' }],
    ['1d', { count: 1, unit: 'day' }],
    ['1w', { count: 1, unit: 'week' }],
  ])('reads %s', (text, duration) => expect(parseDurationShorthand(text)).toEqual(duration));

  it.each(['30', 'm', '30 m', '30M', '1.5h', '30s', '30min', '-5m', ' 30m'])('does not read %j (callers normalise case and spaces)', (text) =>
    expect(parseDurationShorthand(text)).toBeNull(),
  );

  it('means the same length in a delay step and in a schedule interval', () => {
    expect(parseDelay('30m')).toBe(30 * 60_000);
    expect(parseDelay(' 2h ')).toBe(2 * 3_600_000);
    expect(parseDelay('30M')).toBeNull();
    expect(compileExpression('every 30m').cron).toBe(compileExpression('every 30 minutes').cron);
    expect(compileExpression('every 2h').cron).toBe(compileExpression('every 2 hours').cron);
    expect(compileExpression('every 1d').cron).toBe(compileExpression('every day').cron);
  });
});

/** Monday 5 January 2026, 08:00 UTC. */
const MONDAY_8AM_UTC = Date.UTC(2026, 0, 5, 8, 0);

describe('schedules accept the shorthand wherever "every N minutes / hours / days" is accepted', () => {
  const table: [expression: string, cron: string | RegExp][] = [
    ['every 30m', '*/30 * * * *'],
    ['every 1h', '0 * * * *'],
    ['every 2d', '0 9 */2 * *'],
    ['every 120m', '0 */2 * * *'],
    ['every 1w', '0 9 * * 1'],
    // Case and a space between count and letter, as the phrase reader normalises them.
    ['every 30M', '*/30 * * * *'],
    ['EVERY 2H', '0 */2 * * *'],
    ['every 30 m', '*/30 * * * *'],
    ['every 2 h', '0 */2 * * *'],
    ['every 5min', '*/5 * * * *'],
    // Combined with the rest of a phrase.
    ['every 1d at 7am', '0 7 * * *'],
    ['every 2d at 6:30', '30 6 */2 * *'],
    ['every 30m between 9am and 5pm', '*/30 9-16 * * *'],
    ['every 2h on weekdays', '0 */2 * * 1-5'],
    ['30m on weekdays', '*/30 * * * 1-5'],
    ['on weekends every 4h', '0 */4 * * 0,6'],
    // The same limits as the spelt-out intervals, with the same reasons.
    ['every 90m', /^"every 90m" cannot be expressed in cron: a minute interval must be 1-59/],
    ['every 30h', /^"every 30h" cannot be expressed in cron: an hour interval must be 1-24/],
    ['every 2w', /^"every 2w" cannot be expressed in cron: cron has no week counter/],
    ['every 0m', /^"every 0m": the interval must be at least 1\./],
    ['every 30s', /^Seconds are not supported \("every 30s"\)/],
    ['every 15', /^"every 15" needs a unit after the number: .*"every 15 minutes" or "every 15m"/],
  ];

  it.each(table)('%s -> %s', (expression, expected) => {
    const result = parseScheduleExpression(expression, { timezone: 'UTC', now: MONDAY_8AM_UTC });
    if (typeof expected === 'string') expect(result).toMatchObject({ ok: true, cron: expected, error: null });
    else {
      expect(result).toMatchObject({ ok: false, cron: null });
      expect(result.error).toMatch(expected);
    }
  });
});
