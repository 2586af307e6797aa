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
// The binding public API, committed with the schema; sections of new issues are merged into it
// by the change that implements them.
const contract = fileURLToPath(new URL('../contract/contract.graphql', import.meta.url));

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

  it('has no breaking change from the committed contract (it is a superset)', () => {
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

describe('DateTime scalar', () => {
  const dateTime = schema.getType('DateTime');
  if (!isScalarType(dateTime)) throw new Error('DateTime is not a scalar');

  it('serializes epoch ms, Dates and ISO strings as ISO-8601 UTC, the same on every call', () => {
    const instant = Date.UTC(2026, 10, 26, 9, 30, 15, 123);
    for (let i = 0; i < 3; i++) expect(dateTime.serialize(instant)).toBe('2026-11-26T09:30:15.123Z');
    expect(dateTime.serialize(instant + 1)).toBe('2026-11-26T09:30:15.124Z');
    expect(dateTime.serialize(new Date(instant))).toBe('2026-11-26T09:30:15.123Z');
    expect(dateTime.serialize('2026-11-26T10:30:15.123+01:00')).toBe('2026-11-26T09:30:15.123Z');
  });

  it('refuses values that are no instant, also when asked again', () => {
    for (let i = 0; i < 2; i++) {
      expect(() => dateTime.serialize(Number.NaN)).toThrow('DateTime cannot represent');
      expect(() => dateTime.serialize('next tuesday')).toThrow('DateTime cannot represent "next tuesday".');
      expect(() => dateTime.serialize(true)).toThrow('DateTime cannot represent true.');
    }
    expect(() => dateTime.parseValue('soon')).toThrow('ISO-8601');
  });
});
