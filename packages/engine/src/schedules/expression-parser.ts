import type { ScheduleParseResult } from './schedule-types.js';
import { quote } from '../input-excerpt.js';
import { buildCron, type CompiledSchedule } from './cron-builder.js';
import { cronLikeFieldCount, describeCron, validateCron } from './cron-syntax.js';
import { closest, type EditWork } from './edit-distance.js';
import { ExpressionTooLongError, InvalidTimezoneError, ScheduleExpressionError } from './expression-error.js';
import { nextFireTimes, resolveTimezone } from './fire-times.js';
import { parsePhrase } from './phrase-parser.js';
import { tokenize } from './phrase-tokens.js';
import { EXAMPLE_PHRASES, KNOWN_WORDS, readInterval } from './vocabulary.js';

/** Which syntax an expression was written in. */
export const ExpressionKind = { NATURAL: 'NATURAL', SHORTHAND: 'SHORTHAND', CRON: 'CRON' } as const;
export type ExpressionKind = (typeof ExpressionKind)[keyof typeof ExpressionKind];

/** A compiled expression: its cron, description and the syntax it was written in. */
export interface CompiledExpression extends CompiledSchedule {
  kind: ExpressionKind;
}

/**
 * The longest schedule expression accepted, in characters (UTF-16 code units). The longest phrase
 * the grammar can use is far shorter (every weekday named with a time window is under 100), and
 * cron with lists stays under 200; beyond this nothing is parsed. The API's input limit on
 * `expression` uses the same constant.
 */
export const MAX_SCHEDULE_EXPRESSION_LENGTH = 500;

/** Words tried, at most, when correcting unknown words one at a time before giving up on a suggestion. */
const MAX_CORRECTIONS = 3;
/** Expressions of more words than this get no suggestion: a close phrase is a short one. */
export const MAX_SUGGESTION_WORDS = 12;
/**
 * Expressions with a word longer than this get no suggestion. No known word (the longest,
 * `wednesdays`, has 10 letters) is within the allowed distance of a longer word, see {@link closest}.
 */
export const MAX_SUGGESTION_WORD_LENGTH = 16;

/**
 * Compiles a schedule expression to cron: raw 5-field cron (validated), shorthand (`5m`, `2h`,
 * `1d`) or a natural phrase ("every weekday at 9am"). Throws {@link ExpressionTooLongError}
 * before any parsing when it has over {@link MAX_SCHEDULE_EXPRESSION_LENGTH} characters, else
 * {@link ScheduleExpressionError} saying what was not understood (quoting at most a short prefix
 * of the input), with a close valid phrase as `suggestion` when one exists.
 */
export function compileExpression(expression: string): CompiledExpression {
  if (expression.length > MAX_SCHEDULE_EXPRESSION_LENGTH) throw new ExpressionTooLongError(expression.length, MAX_SCHEDULE_EXPRESSION_LENGTH);
  const text = expression.trim();
  if (!text) throw new ScheduleExpressionError('The expression is empty. Try "every weekday at 9am", "15m" or a cron such as "0 9 * * 1-5".');
  try {
    return compileOnce(text);
  } catch (error) {
    if (!(error instanceof ScheduleExpressionError) || error.suggestion) throw error;
    throw error.withSuggestion(suggestPhrase(text, error));
  }
}

function compileOnce(text: string): CompiledExpression {
  const fields = cronLikeFieldCount(text);
  if (fields >= 5 || (fields >= 3 && text.includes('*'))) {
    const cron = validateCron(text);
    return { cron, description: describeCron(cron), kind: ExpressionKind.CRON };
  }
  const tokens = tokenize(text);
  // A lone interval (`30m`, `10 min`) is the shorthand; the phrase reader reads it like "every 30m".
  const kind = readInterval(tokens, 0)?.width === tokens.length ? ExpressionKind.SHORTHAND : ExpressionKind.NATURAL;
  return { ...buildCron(parsePhrase(text)), kind };
}

/**
 * A close phrase that parses, for the expression `text` that failed with `error`: unknown words
 * replaced by their nearest known word (repeatedly), else the nearest example phrase. Null when
 * nothing is close. Its work is bounded whatever the input: only expressions within
 * {@link MAX_SCHEDULE_EXPRESSION_LENGTH} characters, of at most {@link MAX_SUGGESTION_WORDS}
 * words of at most {@link MAX_SUGGESTION_WORD_LENGTH} characters, are looked at, with at most
 * {@link MAX_CORRECTIONS} corrections; `work`, when given, counts the edit-distance steps spent.
 */
export function suggestPhrase(text: string, error: ScheduleExpressionError, work?: EditWork): string | null {
  // compileExpression refuses such input first; a direct caller gets no suggestion without tokenizing it.
  if (text.length > MAX_SCHEDULE_EXPRESSION_LENGTH) return null;
  let tokens = tokenize(text);
  if (tokens.length > MAX_SUGGESTION_WORDS || tokens.some((t) => t.length > MAX_SUGGESTION_WORD_LENGTH)) return null;
  let current: ScheduleExpressionError = error;
  for (let attempt = 0; attempt < MAX_CORRECTIONS && current.unknownWord; attempt++) {
    const index = tokens.indexOf(current.unknownWord);
    const replacement = index >= 0 ? closest(current.unknownWord, KNOWN_WORDS, 0.4, work) : null;
    if (!replacement) break;
    tokens = tokens.map((t, i) => (i === index ? replacement : t));
    try {
      compileOnce(tokens.join(' '));
      return tokens.join(' ');
    } catch (next) {
      if (!(next instanceof ScheduleExpressionError)) break;
      current = next;
    }
  }
  return error.unknownWord ? closest(tokenize(text).join(' '), EXAMPLE_PHRASES, 0.5, work) : null;
}

/**
 * Parses an expression for a preview (contract `parseSchedule`): never throws. `ok` false
 * carries the error (with "Did you mean ...?"), ok true the cron, its description and the next
 * five fire times (epoch ms) after `now` in `timezone` (default: the server's).
 */
export function parseScheduleExpression(expression: string, options: { timezone?: string | null; now: number; count?: number }): ScheduleParseResult {
  try {
    const timezone = resolveTimezone(options.timezone);
    const compiled = compileExpression(expression);
    const times = nextFireTimes(compiled.cron, timezone, options.now, options.count ?? 5);
    if (!times.length) return failed(neverFires(compiled.cron).message);
    return { ok: true, cron: compiled.cron, description: compiled.description, nextFireTimes: times, error: null };
  } catch (error) {
    if (error instanceof ScheduleExpressionError) return failed(error.userMessage);
    if (error instanceof InvalidTimezoneError) return failed(error.message);
    throw error;
  }
}

/** The error for a valid cron that matches no date, such as February 30th. */
export function neverFires(cron: string): ScheduleExpressionError {
  return new ScheduleExpressionError(`${quote(cron)} never fires: no date matches it (e.g. February 30th). Pick a day that exists in the month.`);
}

function failed(error: string): ScheduleParseResult {
  return { ok: false, cron: null, description: null, nextFireTimes: [], error };
}
