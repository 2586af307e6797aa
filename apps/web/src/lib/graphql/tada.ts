import { initGraphQLTada } from 'gql.tada';
import type { introspection } from './graphql-env.d.ts';

/**
 * The `graphql()` tag every operation in `lib/graphql/<domain>.ts` uses: documents are typed
 * from `schema.graphql` (synced by scripts/sync-schema.mjs). Fragments are not masked, so a
 * fragment's fields read as plain fields of the result.
 */
export const graphql = initGraphQLTada<{
  introspection: introspection;
  disableMasking: true;
  scalars: { DateTime: string; JSON: unknown };
}>();

export type { FragmentOf, ResultOf, VariablesOf } from 'gql.tada';
