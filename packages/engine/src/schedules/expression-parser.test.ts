import { describe, expect, it } from 'vitest';
import { compileExpression, ExpressionKind, parseScheduleExpression } from './expression-parser.js';
import { ScheduleExpressionError } from './expression-error.js';

/** Monday 5 January 2026, 08:00 UTC. */
const MONDAY_8AM_UTC = Date.UTC(2026, 0, 5, 8, 0);
const iso = (ms: number[]) => ms.map((t) => new Date(t).toISOString());

describe('compileExpression: phrases to cron', () => {
  const table: [phrase: string, cron: string][] = [
    // intervals
    ['every minute', '* * * * *'],
    ['every 5 minutes', '*/5 * * * *'],
    ['every 15 minutes', '*/15 * * * *'],
    ['every 15 mins', '*/15 * * * *'],
    ['Every 30 Minutes', '*/30 * * * *'],
    ['every two hours', '0 */2 * * *'],
    ['every hour', '0 * * * *'],
    ['hourly', '0 * * * *'],
    ['every 2 hours', '0 */2 * * *'],
    ['every 6 hrs', '0 */6 * * *'],
    ['every 60 minutes', '0 * * * *'],
    ['every 120 minutes', '0 */2 * * *'],
    ['every 24 hours', '0 0 * * *'],
    ['every 3 days', '0 9 */3 * *'],
    ['every 2 hours on weekdays', '0 */2 * * 1-5'],
    ['every 10 minutes on weekends', '*/10 * * * 0,6'],
    ['every 15 minutes between 9am and 5pm on weekdays', '*/15 9-16 * * 1-5'],
    ['every 2 hours from 8am to 6pm', '0 8-18/2 * * *'],
    ['hourly between 9:00 and 17:00', '0 9-17 * * *'],
    // every other / every second
    ['every other minute', '*/2 * * * *'],
    ['every other hour', '0 */2 * * *'],
    ['every second hour', '0 */2 * * *'],
    ['every other day at 7am', '0 7 */2 * *'],
    ['every other month', '0 9 1 */2 *'],
    // daily and times
    ['daily', '0 9 * * *'],
    ['every day', '0 9 * * *'],
    ['daily at 9am', '0 9 * * *'],
    ['every day at 9:30', '30 9 * * *'],
    ['every day at 14:00', '0 14 * * *'],
    ['every day at 9 am', '0 9 * * *'],
    ['every day at 9:30 p.m.', '30 21 * * *'],
    ['at noon', '0 12 * * *'],
    ['at 12 noon', '0 12 * * *'],
    ['at midnight', '0 0 * * *'],
    ['at 12am', '0 0 * * *'],
    ['at 12pm', '0 12 * * *'],
    ['at 00:05', '5 0 * * *'],
    ['9am daily', '0 9 * * *'],
    ['daily at 9am and 5pm', '0 9,17 * * *'],
    ['every morning', '0 9 * * *'],
    ['every evening', '0 18 * * *'],
    ['every day in the afternoon', '0 14 * * *'],
    ['nightly', '0 21 * * *'],
    ['twice a day', '0 9,17 * * *'],
    ['twice daily at 8am and 8pm', '0 8,20 * * *'],
    // weekdays, weekends, named days
    ['every weekday at 9am', '0 9 * * 1-5'],
    ['weekdays at 9am', '0 9 * * 1-5'],
    ['on weekdays at 8:15', '15 8 * * 1-5'],
    ['weekends at 10am', '0 10 * * 0,6'],
    ['every weekend at noon', '0 12 * * 0,6'],
    ['every monday at 9am', '0 9 * * 1'],
    ['mondays at 9am', '0 9 * * 1'],
    ['on friday at 5pm', '0 17 * * 5'],
    ['every sunday', '0 9 * * 0'],
    ['every tues at 10:45', '45 10 * * 2'],
    ['mon, wed and fri at 9:30', '30 9 * * 1,3,5'],
    ['every monday and thursday at 6pm', '0 18 * * 1,4'],
    ['tuesdays & thursdays at 11am', '0 11 * * 2,4'],
    ['monday to friday at 8am', '0 8 * * 1-5'],
    ['mon-wed at 7am', '0 7 * * 1-3'],
    ['at 9am on weekdays', '0 9 * * 1-5'],
    ['weekly', '0 9 * * 1'],
    ['weekly on friday at 4pm', '0 16 * * 5'],
    ['every week', '0 9 * * 1'],
    // monthly
    ['monthly', '0 9 1 * *'],
    ['monthly on the 15th', '0 9 15 * *'],
    ['on the 1st at noon', '0 12 1 * *'],
    ['on the 1st and 15th at 8am', '0 8 1,15 * *'],
    ['the first of every month', '0 9 1 * *'],
    ['first of the month at 6:30', '30 6 1 * *'],
    ['every month on the 2nd', '0 9 2 * *'],
    ['on the 22nd of each month at 10pm', '0 22 22 * *'],
    ['quarterly', '0 9 1 */3 *'],
    ['yearly', '0 9 1 1 *'],
    // shorthand
    ['5m', '*/5 * * * *'],
    ['1m', '* * * * *'],
    ['2h', '0 */2 * * *'],
    ['1h', '0 * * * *'],
    ['1d', '0 9 * * *'],
    ['10 min', '*/10 * * * *'],
    ['3 hours', '0 */3 * * *'],
    // raw cron
    ['*/5 * * * *', '*/5 * * * *'],
    ['0 9 * * 1-5', '0 9 * * 1-5'],
    ['30  2  1  *  *', '30 2 1 * *'],
    ['0 9 * * MON-FRI', '0 9 * * mon-fri'],
    ['0 0,12 * JAN *', '0 0,12 * jan *'],
  ];

  it.each(table)('%s -> %s', (phrase, cron) => {
    expect(compileExpression(phrase).cron).toBe(cron);
  });

  it('has at least 60 phrases', () => expect(table.length).toBeGreaterThanOrEqual(60));

  it('tells which syntax was used and describes the schedule', () => {
    expect(compileExpression('every weekday at 9am')).toEqual({ cron: '0 9 * * 1-5', description: 'Every weekday at 9:00 AM', kind: ExpressionKind.NATURAL });
    expect(compileExpression('15m')).toMatchObject({ description: 'Every 15 minutes', kind: ExpressionKind.SHORTHAND });
    expect(compileExpression('0 9 * * 1-5')).toMatchObject({ description: 'Every weekday at 9:00 AM', kind: ExpressionKind.CRON });
    expect(compileExpression('mon, wed and fri at 14:30').description).toBe('Every Monday, Wednesday and Friday at 2:30 PM');
    expect(compileExpression('on the 1st and 15th at noon').description).toBe('On the 1st and 15th of every month at 12:00 PM');
    expect(compileExpression('on the 31st').description).toContain('months without a 31st are skipped');
    expect(compileExpression('every 7 minutes').description).toBe('Every 7 minutes (the count restarts every hour, so the last gap is 4 minutes)');
    expect(compileExpression('every 3 days').description).toContain('the count restarts on the 1st');
    expect(compileExpression('every 15 minutes between 9am and 5pm on weekdays').description).toBe(
      'Every 15 minutes between 9:00 AM and 5:00 PM on weekdays (last at 4:45 PM)',
    );
    expect(compileExpression('every 3 hours from 8am to 6pm').description).toBe(
      'Every 3 hours between 8:00 AM and 6:00 PM (first at 8:00 AM, last at 5:00 PM)',
    );
  });
});

describe('parseScheduleExpression: fire times', () => {
  it('returns the next five fire times after now in the timezone', () => {
    const result = parseScheduleExpression('every weekday at 9am', { timezone: 'UTC', now: MONDAY_8AM_UTC });
    expect(result).toMatchObject({ ok: true, cron: '0 9 * * 1-5', description: 'Every weekday at 9:00 AM', error: null });
    expect(iso(result.nextFireTimes)).toEqual([
      '2026-01-05T09:00:00.000Z',
      '2026-01-06T09:00:00.000Z',
      '2026-01-07T09:00:00.000Z',
      '2026-01-08T09:00:00.000Z',
      '2026-01-09T09:00:00.000Z',
    ]);
  });

  it('reads wall-clock times in the given timezone', () => {
    const tokyo = parseScheduleExpression('at noon', { timezone: 'Asia/Tokyo', now: MONDAY_8AM_UTC });
    expect(iso(tokyo.nextFireTimes.slice(0, 2))).toEqual(['2026-01-06T03:00:00.000Z', '2026-01-07T03:00:00.000Z']);
  });

  it('defaults to the server timezone', () => {
    const serverZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const implicit = parseScheduleExpression('daily at 9am', { now: MONDAY_8AM_UTC });
    expect(implicit.nextFireTimes).toEqual(parseScheduleExpression('daily at 9am', { timezone: serverZone, now: MONDAY_8AM_UTC }).nextFireTimes);
  });

  it('Europe/Berlin spring forward: 9am moves from 08:00Z to 07:00Z', () => {
    const result = parseScheduleExpression('every weekday at 9am', { timezone: 'Europe/Berlin', now: Date.UTC(2026, 2, 26, 12) });
    expect(iso(result.nextFireTimes)).toEqual([
      '2026-03-27T08:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
      '2026-03-31T07:00:00.000Z',
      '2026-04-01T07:00:00.000Z',
      '2026-04-02T07:00:00.000Z',
    ]);
  });

  it('Europe/Berlin spring forward: 02:30 does not exist on 29 March and fires at 03:00 CEST', () => {
    const result = parseScheduleExpression('daily at 2:30am', { timezone: 'Europe/Berlin', now: Date.UTC(2026, 2, 27, 12) });
    expect(iso(result.nextFireTimes.slice(0, 3))).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
  });

  it('Europe/Berlin fall back: 02:30 occurs twice on 25 October and fires once', () => {
    const result = parseScheduleExpression('daily at 2:30am', { timezone: 'Europe/Berlin', now: Date.UTC(2026, 9, 24, 0) });
    expect(iso(result.nextFireTimes.slice(0, 3))).toEqual(['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });

  it('America/New_York spring forward: 9am moves from 14:00Z to 13:00Z', () => {
    const result = parseScheduleExpression('every day at 9am', { timezone: 'America/New_York', now: Date.UTC(2026, 2, 6, 20) });
    expect(iso(result.nextFireTimes.slice(0, 3))).toEqual(['2026-03-07T14:00:00.000Z', '2026-03-08T13:00:00.000Z', '2026-03-09T13:00:00.000Z']);
  });

  it('America/New_York fall back: 1:30am fires once on 1 November, then in EST', () => {
    const result = parseScheduleExpression('daily at 1:30am', { timezone: 'America/New_York', now: Date.UTC(2026, 9, 31, 0) });
    expect(iso(result.nextFireTimes.slice(0, 3))).toEqual(['2026-10-31T05:30:00.000Z', '2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
  });

  it('America/New_York fall back: an hourly schedule fires in both 1 AM hours', () => {
    const result = parseScheduleExpression('hourly', { timezone: 'America/New_York', now: Date.UTC(2026, 10, 1, 4, 30) });
    expect(iso(result.nextFireTimes.slice(0, 3))).toEqual(['2026-11-01T05:00:00.000Z', '2026-11-01T06:00:00.000Z', '2026-11-01T07:00:00.000Z']);
  });
});

describe('malformed expressions', () => {
  const malformed: [expression: string, error: RegExp][] = [
    ['', /empty/],
    ['   ', /empty/],
    ['banana', /did not understand "banana"/],
    ['every', /must be followed by a unit, a day or a number/],
    ['every 15', /needs a unit after the number/],
    ['at 9', /"9" is not a clear time.*9am.*9pm.*09:00/],
    ['at 13pm', /"13pm" is not a valid time: with am\/pm the hour must be 1-12/],
    ['every day at 25:00', /"25:00" is not a valid time: the hour must be 0-23/],
    ['every day at 9:75', /minutes must be 00-59/],
    ['every 0 minutes', /at least 1/],
    ['every 90 minutes', /cannot be expressed in cron: a minute interval must be 1-59/],
    ['every 30 hours', /an hour interval must be 1-24/],
    ['every other monday', /"every other monday" cannot be expressed in cron: cron has no week counter/],
    ['every 2 weeks', /cannot be expressed in cron: cron has no week counter/],
    ['fortnightly', /no week counter/],
    ['30s', /Seconds are not supported/],
    ['every 10 seconds', /Seconds are not supported/],
    ['9:30am and 5pm daily', /different minutes.*one schedule per time/],
    ['twice a day at 9am', /"twice a day" needs exactly two times, but 1 were given/],
    ['every 15 minutes at 9am', /fires around the clock, so it cannot also have a time of day/],
    ['every weekday on the 1st', /cannot name both weekdays and days of the month/],
    ['on the 32nd', /"32nd" is not a day of the month/],
    ['the 2nd tuesday of the month', /nth weekday of the month\) cannot be expressed in 5-field cron/],
    ['last day of the month', /"last".*cannot be expressed in standard 5-field cron/],
    ['0 9 * * * *', /exactly 5 fields.*has 6\. Seconds are not supported/],
    ['0 9 * *', /exactly 5 fields.*has 4/],
    ['61 * * * *', /Invalid cron minute field "61": 61 is outside 0-59/],
    ['0 24 * * *', /Invalid cron hour field "24": 24 is outside 0-23/],
    ['0 9 * * 8', /day-of-week field "8": 8 is outside 0-7/],
    ['*/0 * * * *', /the step "\/0" must be a whole number of at least 1/],
    ['0 9 5-1 * *', /the range "5-1" runs backwards/],
    ['0 9 1 * 1', /EITHER the day-of-month \(1\) OR the day-of-week \(1\)/],
    ['0 9 * foo *', /month field "foo": "foo" is not a number or a name/],
    ['0 9 30 2 *', /never fires: no date matches it/],
    ['every 15 minutes between 9:30am and 5pm', /must start and end on the hour/],
    ['every hour between 5pm and 9am', /must end after it starts/],
    ['daily between 9am and 5pm', /only applies to minute or hour intervals/],
    ['every 15 minutes between 9am', /"between" must be followed by two times, as in "between 9am and 5pm"/],
  ];

  it.each(malformed)('%j is rejected with a clear error', (expression, error) => {
    const result = parseScheduleExpression(expression, { timezone: 'UTC', now: MONDAY_8AM_UTC });
    expect(result.ok).toBe(false);
    expect(result.cron).toBeNull();
    expect(result.nextFireTimes).toEqual([]);
    expect(result.error).toMatch(error);
  });

  it('has at least 15 malformed expressions', () => expect(malformed.length).toBeGreaterThanOrEqual(15));

  it.each([
    ['every wekday at 9am', 'every weekday at 9am'],
    ['evry day at noon', 'every day at noon'],
    ['dialy at 9am', 'daily at 9am'],
    ['every mondy at 10am', 'every monday at 10am'],
    ['evry wekday at 9am', 'every weekday at 9am'],
  ])('%j suggests %j', (expression, suggestion) => {
    const result = parseScheduleExpression(expression, { timezone: 'UTC', now: MONDAY_8AM_UTC });
    expect(result.error).toContain(`Did you mean '${suggestion}'?`);
    expect(() => compileExpression(expression)).toThrow(ScheduleExpressionError);
    try {
      compileExpression(expression);
    } catch (error) {
      expect((error as ScheduleExpressionError).suggestion).toBe(suggestion);
      expect((error as ScheduleExpressionError).field).toEqual(['expression']);
    }
  });

  it('rejects an unknown timezone', () => {
    const result = parseScheduleExpression('daily', { timezone: 'Mars/Olympus_Mons', now: MONDAY_8AM_UTC });
    expect(result).toEqual({
      ok: false,
      cron: null,
      description: null,
      nextFireTimes: [],
      error: expect.stringMatching(/"Mars\/Olympus_Mons" is not an IANA timezone/),
    });
  });
});

describe('occurrencesBetween', () => {
  it('counts exactly, then extrapolates a long window and marks it estimated', async () => {
    const { occurrencesBetween } = await import('./fire-times.js');
    expect(occurrencesBetween('0 * * * *', 'UTC', Date.UTC(2026, 0, 5, 9), Date.UTC(2026, 0, 5, 14, 20))).toEqual({
      count: 5,
      latest: Date.UTC(2026, 0, 5, 14),
      estimated: false,
    });
    expect(occurrencesBetween('0 * * * *', 'UTC', Date.UTC(2026, 0, 5, 9), Date.UTC(2026, 0, 5, 9, 30))).toEqual({ count: 0, latest: null, estimated: false });
    const month = occurrencesBetween('* * * * *', 'Europe/Berlin', Date.UTC(2026, 0, 1), Date.UTC(2026, 1, 1));
    expect(month).toEqual({ count: 44_640, latest: Date.UTC(2026, 1, 1), estimated: true });
  });
});
