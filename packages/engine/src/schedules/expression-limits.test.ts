import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors.js';
import { EXCERPT_LENGTH } from '../input-excerpt.js';
import { closest, type EditWork } from './edit-distance.js';
import { ExpressionTooLongError, ScheduleExpressionError } from './expression-error.js';
import { compileExpression, MAX_SCHEDULE_EXPRESSION_LENGTH, MAX_SUGGESTION_WORDS, parseScheduleExpression, suggestPhrase } from './expression-parser.js';
import { EXAMPLE_PHRASES, KNOWN_WORDS } from './vocabulary.js';

/** Monday 5 January 2026, 08:00 UTC. */
const NOW = Date.UTC(2026, 0, 5, 8, 0);
const longest = (list: readonly string[]) => Math.max(...list.map((w) => w.length));

function thrown(run: () => unknown): ScheduleExpressionError {
  try {
    run();
  } catch (error) {
    if (error instanceof ScheduleExpressionError) return error;
    throw error;
  }
  throw new ScheduleExpressionError('expected the expression to be refused');
}

describe('the expression length limit', () => {
  it('refuses an expression over the limit before any parsing, with its length and the limit', () => {
    // Valid once trimmed: only a check before trimming and parsing refuses it.
    const padded = 'every day at 9am'.padEnd(2_000_000, ' ');
    const error = thrown(() => compileExpression(padded));
    expect(error).toBeInstanceOf(ExpressionTooLongError);
    expect(error).toMatchObject({ code: ErrorCode.OUT_OF_RANGE, field: ['expression'], characters: 2_000_000, limit: 500 });
    expect(error.message).toBe(
      'The expression is 2,000,000 characters long; at most 500 are accepted. Write a phrase such as "every weekday at 9am", a shorthand such as "15m" or a cron such as "0 9 * * 1-5".',
    );
  });

  it('reads an expression of exactly the limit, and says the limit rather than a parse error one past it', () => {
    expect(compileExpression('every day at 9am'.padEnd(MAX_SCHEDULE_EXPRESSION_LENGTH, ' ')).cron).toBe('0 9 * * *');
    const result = parseScheduleExpression('a'.repeat(MAX_SCHEDULE_EXPRESSION_LENGTH + 1), { timezone: 'UTC', now: NOW });
    expect(result).toMatchObject({ ok: false, cron: null, error: expect.stringMatching(/^The expression is 501 characters long; at most 500 are accepted\./) });
  });
});

describe('the suggestion step is bounded by a cut of its input, not by its length', () => {
  // The most steps one closest() call can spend on words the cut lets through (<= 16 characters).
  const wordBound = KNOWN_WORDS.reduce((sum, w) => sum + 16 * w.length, 0);
  const phraseBound = EXAMPLE_PHRASES.reduce((sum, p) => sum + 72 * p.length, 0);

  it('compares a word with nothing once it is longer than 16 characters (no known word can be that close)', () => {
    expect(longest(KNOWN_WORDS)).toBe(10);
    const steps = (length: number) => {
      const work: EditWork = { steps: 0 };
      closest('q'.repeat(length), KNOWN_WORDS, 0.4, work);
      return work.steps;
    };
    expect(steps(16)).toBeGreaterThan(0);
    for (const length of [17, 40, 500, 1_900_000]) expect(steps(length)).toBe(0);
    for (let length = 1; length <= 16; length++) expect(steps(length)).toBeLessThanOrEqual(wordBound);
  });

  it('compares a phrase with no example once it is longer than 72 characters', () => {
    expect(longest(EXAMPLE_PHRASES)).toBe(36);
    const work: EditWork = { steps: 0 };
    expect(closest('every weekday at 9am '.repeat(4).slice(0, 73), EXAMPLE_PHRASES, 0.5, work)).toBeNull();
    expect(work.steps).toBe(0);
  });

  it('still suggests for a short typo, within the bound', () => {
    const work: EditWork = { steps: 0 };
    expect(suggestPhrase('evry wekday at 9am', new ScheduleExpressionError('x', { unknownWord: 'evry' }), work)).toBe('every weekday at 9am');
    expect(work.steps).toBeGreaterThan(0);
    expect(work.steps).toBeLessThanOrEqual(3 * wordBound + phraseBound);
  });

  it.each([
    ['a 1.9 MB word', 'a'.repeat(1_900_000), 'a'.repeat(1_900_000)],
    ['a word one past the cut (17 characters)', 'every wednesdayyyyyyyyy at 9am', 'wednesdayyyyyyyyy'],
    [`${MAX_SUGGESTION_WORDS + 1} words`, 'evry day at 9am and 10am and 11am and noon and 1pm and', 'evry'],
    ['a 2 MB expression', 'every wekday at 9am '.repeat(100_000), 'wekday'],
  ])('offers no suggestion and spends no steps on %s', (_label, text, unknownWord) => {
    const work: EditWork = { steps: 0 };
    expect(text.includes(unknownWord)).toBe(true);
    expect(suggestPhrase(text, new ScheduleExpressionError('x', { unknownWord }), work)).toBeNull();
    expect(work.steps).toBe(0);
  });
});

describe('error messages quote at most a short prefix of the input', () => {
  const long = (char: string) => char.repeat(450);
  const cases: [label: string, expression: string, inserted: string][] = [
    ['an unknown word', long('q'), long('q')],
    ['a word after "every"', `every ${long('q')}`, long('q')],
    ['a count glued to an unknown unit', `every 5${long('q')}`, long('q')],
    ['a huge interval', `every ${long('7')} minutes`, long('7')],
    ['a huge shorthand', `${long('7')}m`, long('7')],
    ['a number that is not a time', `at ${long('9')}`, long('9')],
    ['a time after a part of the day', `every morning at ${long('9')}`, long('9')],
    ['a cron field', `${'1,'.repeat(220)}99 * * * *`, '1,'.repeat(220)],
    ['a cron with too many fields', `0 9 * * * ${long('1')}`, long('1')],
    ['a day range', `monday to ${long('q')}`, long('q')],
  ];

  it.each(cases)('%s', (_label, expression, inserted) => {
    expect(expression.length).toBeLessThanOrEqual(MAX_SCHEDULE_EXPRESSION_LENGTH);
    const error = parseScheduleExpression(expression, { timezone: 'UTC', now: NOW }).error!;
    expect(error).toContain('…');
    expect(error).not.toContain(inserted.slice(0, EXCERPT_LENGTH + 1));
    expect(error.length).toBeLessThan(300);
  });

  it('a timezone', () => {
    const error = parseScheduleExpression('daily', { timezone: long('Z'), now: NOW }).error!;
    expect(error).toBe(`"${'Z'.repeat(EXCERPT_LENGTH)}…" is not an IANA timezone (examples: Europe/Berlin, America/New_York, UTC).`);
  });
});
