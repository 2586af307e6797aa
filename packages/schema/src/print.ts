import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';

/** The text of `schema.graphql`: the schema printed after a lexicographic sort, with a trailing newline. */
export function printSchemaFile(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
