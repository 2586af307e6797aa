import { describe, expect, it } from 'vitest';
import { compileExpression, parseScheduleExpression } from './expression-parser.js';

/** Monday 5 January 2026, 08:00 UTC. */
const MONDAY_8AM_UTC = Date.UTC(2026, 0, 5, 8, 0);

describe('parts of the day: a written time wins over the part, and the part settles a time without am/pm', () => {
  const accepted: [phrase: string, cron: string][] = [
    // An explicit time replaces the part's default hour (these fired at both before).
    ['every morning at 7am', '0 7 * * *'],
    ['in the morning at 7:30am', '30 7 * * *'],
    ['every afternoon at 3pm', '0 15 * * *'],
    ['every evening at 7pm', '0 19 * * *'],
    ['every night at 11pm', '0 23 * * *'],
    ['every night at 2am', '0 2 * * *'],
    ['every day in the evening at 8:30pm', '30 20 * * *'],
    // No am/pm: the part says which half of the day.
    ['every morning at 7', '0 7 * * *'],
    ['at 7 in the morning', '0 7 * * *'],
    ['afternoon at 3', '0 15 * * *'],
    ['every afternoon at 12', '0 12 * * *'],
    ['every evening at 6', '0 18 * * *'],
    ['every evening at 6:30', '30 18 * * *'],
    ['night at 11', '0 23 * * *'],
    ['every night at 12', '0 0 * * *'],
    ['every night at 12:30', '30 0 * * *'],
    ['nightly at 11', '0 23 * * *'],
    // Plurals and days with a part of the day.
    ['weekday mornings at 8', '0 8 * * 1-5'],
    ['every weekday morning at 8am', '0 8 * * 1-5'],
    ['mondays in the evening at 7', '0 19 * * 1'],
    ['every saturday morning', '0 9 * * 6'],
    ['mornings at 7am', '0 7 * * *'],
    // A part without a time keeps its default hour; several parts, several hours.
    ['every morning', '0 9 * * *'],
    ['at night', '0 21 * * *'],
    ['nightly', '0 21 * * *'],
    ['every morning and evening', '0 9,18 * * *'],
    ['twice a day in the morning and evening', '0 9,18 * * *'],
    ['every other day in the morning at 6', '0 6 */2 * *'],
    ['monthly on the 1st in the morning at 8', '0 8 1 * *'],
    // A 24-hour time is exact; the part must agree with it.
    ['every evening at 18:00', '0 18 * * *'],
    ['every evening at 8:00', '0 20 * * *'],
  ];

  it.each(accepted)('%s -> %s', (phrase, cron) => {
    expect(compileExpression(phrase).cron).toBe(cron);
  });

  const rejected: [phrase: string, error: RegExp][] = [
    // A time outside its part is refused rather than guessed: either guess could fire 12 hours off.
    ['every morning at 7pm', /^"7pm" is not in the morning \(5:00 AM to 11:59 AM\); it is in the evening\. Make the time and the part of the day agree/],
    ['every evening at 7am', /^"7am" is not in the evening \(5:00 PM to 11:59 PM\); it is in the morning\./],
    ['every evening at 08:00', /^"08:00" is not in the evening .*; it is in the morning\./],
    ['every morning at noon', /^"noon" is not in the morning .*; it is in the afternoon\./],
    ['nightly at 7am', /^"7am" is not in the night \(8:00 PM to 4:59 AM\); it is in the morning\./],
    ['every morning at 9am and 5pm', /^"5pm" is not in the morning/],
    ['every morning at 3', /^Neither 3:00 AM nor 3:00 PM \("3"\) is in the morning \(5:00 AM to 11:59 AM\)\./],
    ['every morning and evening at 7', /^"7" could be 7:00 AM \(morning\) or 7:00 PM \(evening\): write am or pm\./],
    // A part of the day does not limit a minute or hour interval (cron would need a window).
    [
      'every hour in the morning',
      /^"every hour" fires around the clock; a part of the day \(morning\) does not limit it\. Give it a window instead, as in "every hour between 9am and noon"\./,
    ],
    ['every 15 minutes in the evening at 7pm', /^"every 15 minutes" fires around the clock; a part of the day \(evening\) does not limit it/],
    // Without a part of the day a lone hour stays unclear.
    ['at 7', /^"7" is not a clear time: write it with am\/pm .*or name a part of the day \("every morning at 7"\)\./],
  ];

  it.each(rejected)('%j is rejected: %s', (phrase, error) => {
    const result = parseScheduleExpression(phrase, { timezone: 'UTC', now: MONDAY_8AM_UTC });
    expect(result).toMatchObject({ ok: false, cron: null });
    expect(result.error).toMatch(error);
  });
});
