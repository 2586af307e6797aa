import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  buildSchema,
  findBreakingChanges,
  isEnumType,
  isInputObjectType,
  isIntrospectionType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  type GraphQLSchema,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { printSchemaFile, schema } from './index.js';

const committed = fileURLToPath(new URL('../schema.graphql', import.meta.url));
// The contract sits in the shared design folder beside the repository (the same place in CI).
const contract = fileURLToPath(new URL('../../../../shared/CONTRACT.graphql', import.meta.url));

/** Every type, field, argument and enum value of the schema that has no description. */
function missingDescriptions(target: GraphQLSchema): string[] {
  const missing: string[] = [];
  for (const type of Object.values(target.getTypeMap())) {
    if (isIntrospectionType(type) || (isScalarType(type) && isSpecifiedScalarType(type))) continue;
    if (!type.description) missing.push(type.name);
    if (isObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (!field.description) missing.push(`${type.name}.${field.name}`);
        for (const arg of field.args) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
      }
    }
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) if (!field.description) missing.push(`${type.name}.${field.name}`);
    }
    if (isEnumType(type)) {
      for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
    }
  }
  return missing;
}

describe('served schema', () => {
  it('matches the committed schema.graphql (run `pnpm print-schema` after a change)', () => {
    expect(printSchemaFile(schema)).toBe(readFileSync(committed, 'utf8'));
  });

  it('has no breaking change from CONTRACT.graphql (it is a superset)', () => {
    const changes = findBreakingChanges(buildSchema(readFileSync(contract, 'utf8')), schema);
    expect(changes).toEqual([]);
  });

  it('describes every type, field, argument and enum value', () => {
    expect(missingDescriptions(schema)).toEqual([]);
  });

  it('the description walk notices a missing description', () => {
    const bare = buildSchema(/* GraphQL */ `
      "Root."
      type Query {
        "Described."
        a(x: Int): Int
        b: Int
      }
    `);
    expect(missingDescriptions(bare)).toEqual(['Query.a(x)', 'Query.b']);
  });
});
