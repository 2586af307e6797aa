import { GraphQLError, type ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** The error code of an operation refused because introspection is off. */
export const INTROSPECTION_DISABLED = 'INTROSPECTION_DISABLED';

/**
 * Refuses `__schema` and `__type` anywhere in a document. `__typename` stays: clients (urql's
 * cache among them) add it to every selection, and it reveals nothing about the schema.
 */
export const noIntrospectionRule: ValidationRule = (context) => ({
  Field(node) {
    const name = node.name.value;
    if (name !== '__schema' && name !== '__type') return;
    context.reportError(
      new GraphQLError(
        `Introspection (${name}) is turned off on this server (STAGENT_INTROSPECTION=0). The schema is published as packages/schema/schema.graphql.`,
        {
          nodes: [node],
          extensions: { code: INTROSPECTION_DISABLED },
        },
      ),
    );
  },
});

/** Envelop plugin adding {@link noIntrospectionRule} to validation (HTTP and WebSocket). */
export function useNoIntrospection(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(noIntrospectionRule);
    },
  };
}
