import SchemaBuilder from '@pothos/core';
import type { EngineApi } from '@stagent/engine';
import { GraphQLError, Kind, valueFromASTUntyped, type ValueNode } from 'graphql';
import type { Loaders } from './loaders.js';

/**
 * What every resolver receives: the engine facade (the only thing resolvers may call) and the
 * per-operation dataloaders that batch relation reads (see {@link Loaders}).
 */
export interface Context {
  engine: EngineApi;
  loaders: Loaders;
}

/** Pothos type registry: scalar shapes and the context type. */
export interface SchemaTypes {
  Context: Context;
  Scalars: {
    ID: { Input: string; Output: string };
    /** Parsed as epoch ms; serialized from epoch ms, a Date or an ISO string. */
    DateTime: { Input: number; Output: number | Date | string };
    JSON: { Input: unknown; Output: unknown };
  };
  DefaultFieldNullability: false;
}

/**
 * The one schema builder. Defines no types itself (they live in `schema/<domain>.ts`); only the
 * scalars every domain shares.
 */
export const builder = new SchemaBuilder<SchemaTypes>({ defaultFieldNullability: false });

builder.queryType({ description: 'Read operations: workflows, runs, estimates, runtimes, settings, documents, schedules.' });
builder.mutationType({
  description:
    'Write operations. Every mutation returns a payload whose `errors` lists expected failures (validation, not found, conflict, out of range); an empty list means success.',
});
builder.subscriptionType({ description: 'Live streams over graphql-ws (or server-sent events).' });

/**
 * ISO strings of epoch-ms instants already serialized. Lists repeat the same instants on every
 * read (a dashboard re-reads its workflow page often) and `toISOString` is the costliest part of
 * a list's leaves; the map is bounded and starts over when full.
 */
const isoByEpochMs = new Map<number, string>();
const MAX_REMEMBERED_INSTANTS = 10_000;

/** Serializes epoch ms, a Date or an ISO string as an ISO-8601 UTC string. */
function serializeDateTime(value: unknown): string {
  if (typeof value === 'number') {
    let iso = isoByEpochMs.get(value);
    if (iso === undefined) {
      iso = toIso(new Date(value), value);
      if (isoByEpochMs.size >= MAX_REMEMBERED_INSTANTS) isoByEpochMs.clear();
      isoByEpochMs.set(value, iso);
    }
    return iso;
  }
  return toIso(value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null, value);
}

function toIso(date: Date | null, value: unknown): string {
  if (!date || Number.isNaN(date.getTime())) throw new GraphQLError(`DateTime cannot represent ${JSON.stringify(value)}.`);
  return date.toISOString();
}

/** Parses an ISO-8601 string into epoch ms. */
function parseDateTime(value: unknown): number {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new GraphQLError('DateTime must be an ISO-8601 string such as "2026-11-26T09:00:00Z".');
  return ms;
}

builder.scalarType('DateTime', {
  description: 'An instant as an ISO-8601 string in UTC with milliseconds, e.g. "2026-11-26T09:00:00.000Z".',
  serialize: serializeDateTime,
  parseValue: parseDateTime,
  parseLiteral: (ast: ValueNode) => parseDateTime(ast.kind === Kind.STRING ? ast.value : null),
});

builder.scalarType('JSON', {
  description: 'Any JSON value (object, array, string, number, boolean or null).',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast: ValueNode, variables?: Record<string, unknown> | null) => valueFromASTUntyped(ast, variables ?? undefined),
});
