import { ErrorCode, StagentError } from '../errors.js';

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

  constructor(message: string, options: { suggestion?: string | null; unknownWord?: string; field?: (string | number)[] } = {}) {
    super(ErrorCode.INVALID_VALUE, message, { field: options.field ?? ['expression'] });
    this.name = 'ScheduleExpressionError';
    this.suggestion = options.suggestion ?? null;
    this.unknownWord = options.unknownWord ?? null;
  }

  /** A copy of this error carrying a suggestion. */
  withSuggestion(suggestion: string | null): ScheduleExpressionError {
    return new ScheduleExpressionError(this.message, { suggestion, unknownWord: this.unknownWord ?? undefined, field: this.field });
  }

  /** The message followed by the suggestion, as shown to a user. */
  get userMessage(): string {
    return this.suggestion ? `${this.message} Did you mean '${this.suggestion}'?` : this.message;
  }
}

/** Thrown when a timezone is not a valid IANA zone name. The caller should pick one from the IANA list. */
export class InvalidTimezoneError extends StagentError {
  readonly timezone: string;
  constructor(timezone: string, field: (string | number)[] = ['timezone']) {
    super(ErrorCode.INVALID_VALUE, `"${timezone}" is not an IANA timezone (examples: Europe/Berlin, America/New_York, UTC).`, { field });
    this.name = 'InvalidTimezoneError';
    this.timezone = timezone;
  }
}
