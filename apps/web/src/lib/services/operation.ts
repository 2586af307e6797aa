import type { AnyVariables, Client, DocumentInput } from '@urql/core';

/** A problem to show a person: a contract `UserError`, or a transport/GraphQL error mapped to one. */
export interface UserError {
  field?: readonly string[] | null;
  message: string;
  code: string;
}

export type Outcome<T> = { ok: true; data: T; errors: [] } | { ok: false; data: T | null; errors: UserError[] };

/** Runs a query on the network and returns data or errors (never throws). */
export async function runQuery<T, V extends AnyVariables>(client: Client, doc: DocumentInput<T, V>, variables: V): Promise<Outcome<T>> {
  const result = await client.query(doc, variables, { requestPolicy: 'network-only' }).toPromise();
  if (result.error || !result.data) return { ok: false, data: result.data ?? null, errors: [transportError(result.error)] };
  return { ok: true, data: result.data, errors: [] };
}

/**
 * Runs a mutation whose payload (the single root field) carries `errors: [UserError!]!`, and
 * folds transport errors and payload errors into one list.
 */
export async function runMutation<T extends Record<string, unknown>, V extends AnyVariables>(
  client: Client,
  doc: DocumentInput<T, V>,
  variables: V,
): Promise<Outcome<T>> {
  const result = await client.mutation(doc, variables).toPromise();
  if (result.error || !result.data) return { ok: false, data: result.data ?? null, errors: [transportError(result.error)] };
  const payload = Object.values(result.data)[0] as { errors?: UserError[] } | null;
  const errors = payload?.errors ?? [];
  if (errors.length > 0) return { ok: false, data: result.data, errors };
  return { ok: true, data: result.data, errors: [] };
}

function transportError(error: { message: string; networkError?: Error; graphQLErrors?: { message: string }[] } | undefined): UserError {
  if (!error) return { message: 'The server returned no data.', code: 'NO_DATA' };
  if (error.networkError) return { message: `Cannot reach the Stagent API: ${error.networkError.message}`, code: 'NETWORK' };
  const first = error.graphQLErrors?.[0]?.message ?? error.message;
  return { message: first, code: 'GRAPHQL' };
}

/** The error for one input field (path joined with "."), if any. */
export function fieldError(errors: readonly UserError[], path: string): string | undefined {
  return errors.find((e) => (e.field ?? []).join('.') === path)?.message;
}

/** Errors that belong to no rendered field. */
export function formErrors(errors: readonly UserError[], knownPaths: (path: string) => boolean): UserError[] {
  return errors.filter((e) => !e.field || e.field.length === 0 || !knownPaths(e.field.join('.')));
}
