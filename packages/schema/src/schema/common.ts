import { ErrorCode, StagentError, ValidationError } from '@stagent/engine';
import { GraphQLError } from 'graphql';
import { builder } from '../builder.js';

/** One expected failure of a mutation (contract `UserError`). */
export interface UserErrorShape {
  field: string[] | null;
  message: string;
  code: string;
}

/** A mutation result: the payload's data fields plus the list of expected failures. */
export type Payload<T> = Partial<T> & { errors: UserErrorShape[] };

/** Turns one engine error into the contract's `UserError`. */
function toUserError(error: StagentError): UserErrorShape {
  return { field: error.field ? [...error.field] : null, message: error.message, code: error.code };
}

/**
 * The one mutation helper: runs the engine call and returns its data with `errors: []`. A
 * {@link ValidationError} becomes one `UserError` per issue, any other `StagentError` one
 * `UserError`; everything else is rethrown, so yoga masks it as "Unexpected error." and logs it.
 */
export async function payload<T extends object>(run: () => Promise<T>): Promise<Payload<T>> {
  try {
    return { ...(await run()), errors: [] };
  } catch (error) {
    if (error instanceof ValidationError) return { errors: error.issues.map(toUserError) } as Payload<T>;
    if (error instanceof StagentError) return { errors: [toUserError(error)] } as Payload<T>;
    throw error;
  }
}

/**
 * For queries that take user input: an expected engine error becomes a GraphQL error with code
 * BAD_USER_INPUT and one `issues` entry per problem (`field`, `message`, `code`), which yoga does
 * not mask; anything else is rethrown to be masked and logged.
 */
export async function expected<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof StagentError)) throw error;
    const issues = error instanceof ValidationError ? error.issues.map(toUserError) : [toUserError(error)];
    throw new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT', issues } });
  }
}

/**
 * Builds a Pothos values object for a const-object enum, with a description on every value
 * (the record's keys must be exactly the enum's values, so `tsc` fails when one is missing).
 */
export function enumValues<const V extends string>(_values: Record<string, V>, descriptions: Record<V, string>): Record<V, { value: V; description: string }> {
  const entries = (Object.keys(descriptions) as V[]).map((key) => [key, { value: key, description: descriptions[key] }]);
  return Object.fromEntries(entries) as Record<V, { value: V; description: string }>;
}

/** Contract `UserError`. */
export const UserErrorRef = builder.objectRef<UserErrorShape>('UserError').implement({
  description: 'An expected failure of a mutation, addressed to the person or program that sent the input.',
  fields: (t) => ({
    field: t.exposeStringList('field', {
      nullable: true,
      description: 'Path into the input the error is about, e.g. ["steps", "1", "budgetUsd"]; null when it concerns the whole operation.',
    }),
    message: t.exposeString('message', { description: 'A sentence a person can act on.' }),
    code: t.exposeString('code', {
      // Listed from the engine's closed set, so a new code is described here the day it exists.
      description: `Stable machine code, one of ${Object.values(ErrorCode).join(', ')}. WRONG_TYPE: a value of the wrong kind (a string where a number is expected); OUT_OF_RANGE: a number outside its range, or too large to be finite.`,
    }),
  }),
});

/** List-page metadata (contract `PageInfo`). */
export interface PageInfoShape {
  hasNextPage: boolean;
  endCursor: string | null;
}

/** Contract `PageInfo`. */
export const PageInfoRef = builder.objectRef<PageInfoShape>('PageInfo').implement({
  description: 'Where a page of a list ends and whether more items follow.',
  fields: (t) => ({
    hasNextPage: t.exposeBoolean('hasNextPage', { description: 'Whether items follow this page.' }),
    endCursor: t.exposeString('endCursor', {
      nullable: true,
      description: 'Opaque cursor of the last item of this page; pass it as `after` to get the next page. Null on an empty page.',
    }),
  }),
});

/** Payload of every delete mutation (contract `DeletePayload`). */
export const DeletePayloadRef = builder.objectRef<Payload<{ deletedId: string }>>('DeletePayload').implement({
  description: 'Result of a delete mutation.',
  fields: (t) => ({
    deletedId: t.id({
      nullable: true,
      description: 'Id of the deleted item; null when nothing was deleted (see `errors`).',
      resolve: (p) => p.deletedId ?? null,
    }),
    errors: t.field({ type: [UserErrorRef], description: 'Expected failures; empty on success.', resolve: (p) => p.errors }),
  }),
});
