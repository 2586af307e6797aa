/**
 * Engine errors. Every expected failure is a {@link StagentError} subclass with a stable
 * {@link ErrorCode}, the ids involved and an optional field path into the caller's input, so
 * the GraphQL layer can turn it into a `UserError` without parsing messages.
 */

/** Stable machine codes carried by every {@link StagentError}. */
export const ErrorCode = {
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  /** A number (or a length) outside its allowed range, including numbers too large to be finite. */
  OUT_OF_RANGE: 'OUT_OF_RANGE',
  INVALID_DEFINITION: 'INVALID_DEFINITION',
  INVALID_VALUE: 'INVALID_VALUE',
  /** A value of the wrong kind where the schema cannot tell: a string where a number is expected, an object where text is. */
  WRONG_TYPE: 'WRONG_TYPE',
  READ_ONLY: 'READ_ONLY',
  UNKNOWN_KEY: 'UNKNOWN_KEY',
  ILLEGAL_TRANSITION: 'ILLEGAL_TRANSITION',
  NOT_APPLICABLE: 'NOT_APPLICABLE',
  UNAVAILABLE: 'UNAVAILABLE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base of every expected engine error. Callers branch on `code`, never on `message`. */
export class StagentError extends Error {
  readonly code: ErrorCode;
  /** Path into the caller's input that the error is about, e.g. `['steps', '1', 'budgetUsd']`. */
  readonly field?: string[];

  constructor(code: ErrorCode, message: string, options: { field?: (string | number)[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StagentError';
    this.code = code;
    if (options.field) this.field = options.field.map(String);
  }
}

/** A list of problems found in one input; thrown when validation fails. Nothing was written. */
export class ValidationError extends StagentError {
  readonly issues: StagentError[];
  constructor(issues: StagentError[]) {
    super(issues[0]?.code ?? ErrorCode.INVALID_VALUE, issues.map((i) => i.message).join(' '), { field: issues[0]?.field });
    this.name = 'ValidationError';
    this.issues = issues;
  }
}

/** Thrown when an entity id does not exist. The caller should refresh its list or fix the id. */
export class NotFoundError extends StagentError {
  readonly entity: string;
  readonly id: string;
  constructor(entity: string, id: string, field?: (string | number)[]) {
    super(ErrorCode.NOT_FOUND, `${entity} "${id}" does not exist.`, { field });
    this.name = 'NotFoundError';
    this.entity = entity;
    this.id = id;
  }
}

/** Thrown when the workflow to act on does not exist. */
export class WorkflowNotFoundError extends NotFoundError {
  constructor(workflowId: string, field: (string | number)[] = ['id']) {
    super('Workflow', workflowId, field);
    this.name = 'WorkflowNotFoundError';
  }
}

/**
 * Thrown when a compare-and-set lost: another caller changed the row first (a live run exists,
 * the run was already resolved...). The caller should reload and decide again; never retry blindly.
 */
export class ConflictError extends StagentError {
  constructor(message: string, field?: (string | number)[]) {
    super(ErrorCode.CONFLICT, message, { field });
    this.name = 'ConflictError';
  }
}

/** Thrown when a state machine is asked for a move its transition table forbids. A bug or a stale caller. */
export class IllegalTransitionError extends StagentError {
  readonly machine: string;
  readonly from: string;
  readonly to: string;
  constructor(machine: string, from: string, to: string) {
    super(ErrorCode.ILLEGAL_TRANSITION, `${machine} cannot move from ${from} to ${to}.`);
    this.name = 'IllegalTransitionError';
    this.machine = machine;
    this.from = from;
    this.to = to;
  }
}

/**
 * Thrown when code writes a `status` column directly instead of through its transition function
 * (`db/status-write.ts` says which those are): the write would skip the transition table. A
 * programming error, refused before anything is written.
 */
export class DirectStatusWriteError extends StagentError {
  constructor(table: string) {
    super(ErrorCode.ILLEGAL_TRANSITION, `${table}.status is written only through its transition function (db/status-write.ts), never by a plain update.`);
    this.name = 'DirectStatusWriteError';
  }
}

/**
 * Thrown when a caller tries to change or delete something that is built into Stagent (a built-in
 * agent profile). Nothing was written; the caller should copy it into one of its own and change that.
 */
export class ReadOnlyError extends StagentError {
  constructor(message: string, field?: (string | number)[]) {
    super(ErrorCode.READ_ONLY, message, { field });
    this.name = 'ReadOnlyError';
  }
}

/** Thrown when an action (suggestion, retry, checkpoint decision) does not apply to the current state. */
export class NotApplicableError extends StagentError {
  constructor(message: string, field?: (string | number)[]) {
    super(ErrorCode.NOT_APPLICABLE, message, { field });
    this.name = 'NotApplicableError';
  }
}

/**
 * Thrown when the engine opens its database and the file is not a SQLite database or is damaged
 * (garbage, truncated). Nothing was written to it. The user should move the file aside (a new,
 * empty database is then created) or restore it from a backup.
 */
export class DatabaseUnreadableError extends StagentError {
  /** The database file, absolute. */
  readonly path: string;
  constructor(path: string, reason: string, cause: unknown) {
    super(
      ErrorCode.UNAVAILABLE,
      `${path} is not a readable Stagent database (${reason}). Move it aside to start with a new, empty database, or restore it from a backup; STAGENT_DATA_DIR chooses another directory.`,
      { cause },
    );
    this.name = 'DatabaseUnreadableError';
    this.path = path;
  }
}

/** `STAGENT_DATABASE_URL` is not a PostgreSQL URL Stagent can use. The URL in the message has its password masked. */
export class InvalidDatabaseUrlError extends StagentError {
  constructor(maskedUrl: string, reason: string) {
    super(
      ErrorCode.INVALID_VALUE,
      `STAGENT_DATABASE_URL ${maskedUrl} is not usable: ${reason}. Write it as postgres://user:password@host:5432/database, or unset it to use the SQLite file in STAGENT_DATA_DIR.`,
    );
    this.name = 'InvalidDatabaseUrlError';
  }
}

/** The PostgreSQL server of `STAGENT_DATABASE_URL` did not answer or refused the connection. */
export class DatabaseUnreachableError extends StagentError {
  constructor(maskedUrl: string, reason: string, cause: unknown) {
    super(
      ErrorCode.UNAVAILABLE,
      `Cannot connect to PostgreSQL at ${maskedUrl} (${reason}). Start the server or correct STAGENT_DATABASE_URL; Stagent does not fall back to SQLite.`,
      { cause },
    );
    this.name = 'DatabaseUnreachableError';
  }
}

/** `STAGENT_REDIS_URL` is not a Redis URL Stagent can use. The URL in the message has its password masked. */
export class InvalidRedisUrlError extends StagentError {
  constructor(maskedUrl: string, reason: string) {
    super(
      ErrorCode.INVALID_VALUE,
      `STAGENT_REDIS_URL ${maskedUrl} is not usable: ${reason}. Write it as redis://[:password@]host:6379[/db] (rediss:// for TLS), or unset it to keep events within this process.`,
    );
    this.name = 'InvalidRedisUrlError';
  }
}

/**
 * The Redis server of `STAGENT_REDIS_URL` did not answer, or refused the connection, within the
 * connect timeout. Nothing was started: without Redis, live events would silently stay in this process.
 */
export class RedisUnreachableError extends StagentError {
  constructor(maskedUrl: string, reason: string, cause: unknown) {
    super(
      ErrorCode.UNAVAILABLE,
      `Cannot connect to Redis at ${maskedUrl} (${reason}). Start the server or correct STAGENT_REDIS_URL; unset it only if this is the one Stagent instance.`,
      { cause },
    );
    this.name = 'RedisUnreachableError';
  }
}

/** For exhaustive switches: `tsc` fails when a new member of a closed set is not handled. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unhandled ${what}: ${String(value)}`);
}
