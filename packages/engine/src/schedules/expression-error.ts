import { ErrorCode, StagentError } from '../errors.js';
import { quote } from '../input-excerpt.js';

/**
 * Thrown when a schedule expression (natural phrase, shorthand or cron) cannot be understood.
 * The message says exactly which part was not understood; `suggestion`, when present, is a
 * close phrase that does parse. The caller should show both to the user and let them retry.
 */
export class ScheduleExpressionError extends StagentError {
  /** A valid phrase close to what was written, e.g. `every weekday at 9am`; null when none is close. */
  readonly suggestion: string | null;
  /** The word that was not understood, when the problem is one unknown word. */
  readonly unknownWord: string | null;

  constructor(message: string, options: { suggestion?: string | null; unknownWord?: string; field?: (string | number)[]; code?: ErrorCode } = {}) {
    super(options.code ?? ErrorCode.INVALID_VALUE, message, { field: options.field ?? ['expression'] });
    this.name = 'ScheduleExpressionError';
    this.suggestion = options.suggestion ?? null;
    this.unknownWord = options.unknownWord ?? null;
  }

  /** A copy of this error carrying a suggestion. */
  withSuggestion(suggestion: string | null): ScheduleExpressionError {
    return new ScheduleExpressionError(this.message, { suggestion, unknownWord: this.unknownWord ?? undefined, field: this.field, code: this.code });
  }

  /** The message followed by the suggestion, as shown to a user. */
  get userMessage(): string {
    return this.suggestion ? `${this.message} Did you mean '${this.suggestion}'?` : this.message;
  }
}

/**
 * Thrown, before any parsing, when an expression is longer than the parser accepts (code
 * OUT_OF_RANGE). The caller should shorten it: schedule phrases are a few words.
 */
export class ExpressionTooLongError extends ScheduleExpressionError {
  /** The expression's length in characters (UTF-16 code units). */
  readonly characters: number;
  /** The most characters accepted. */
  readonly limit: number;

  constructor(characters: number, limit: number) {
    super(
      `The expression is ${characters.toLocaleString('en-US')} characters long; at most ${limit} are accepted. Write a phrase such as "every weekday at 9am", a shorthand such as "15m" or a cron such as "0 9 * * 1-5".`,
      { code: ErrorCode.OUT_OF_RANGE },
    );
    this.name = 'ExpressionTooLongError';
    this.characters = characters;
    this.limit = limit;
  }
}

/** Thrown when a timezone is not a valid IANA zone name. The caller should pick one from the IANA list. */
export class InvalidTimezoneError extends StagentError {
  readonly timezone: string;
  constructor(timezone: string, field: (string | number)[] = ['timezone']) {
    super(ErrorCode.INVALID_VALUE, `${quote(timezone)} is not an IANA timezone (examples: Europe/Berlin, America/New_York, UTC).`, { field });
    this.name = 'InvalidTimezoneError';
    this.timezone = timezone;
  }
}
