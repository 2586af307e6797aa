import { getNamedType, isInputObjectType, isIntrospectionType, isObjectType, type GraphQLArgument, type GraphQLInputField } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from './index.js';
import { CURSOR, PAGE_SIZE, TEXT_KIND, TEXT_LIMITS } from './input-limits.js';

/** Every argument and input field of the served schema, named `Type.field(arg)` or `Input.field`. */
function inputs(): [string, GraphQLArgument | GraphQLInputField][] {
  const all: [string, GraphQLArgument | GraphQLInputField][] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type)) continue;
    if (isObjectType(type))
      for (const field of Object.values(type.getFields())) for (const arg of field.args) all.push([`${type.name}.${field.name}(${arg.name})`, arg]);
    if (isInputObjectType(type)) for (const field of Object.values(type.getFields())) all.push([`${type.name}.${field.name}`, field]);
  }
  return all;
}

describe('input limits', () => {
  it('every String and JSON input declares its kind of text (IDs default to the id limit)', () => {
    const undeclared = inputs().filter(
      ([, input]) => ['String', 'JSON'].includes(getNamedType(input.type).name) && !((input.extensions[TEXT_KIND] as string) in TEXT_LIMITS),
    );
    expect(undeclared.map(([name]) => name)).toEqual([]);
  });

  it('every page size and cursor argument uses the shared definitions', () => {
    const named = (n: string) => inputs().filter(([name]) => name.endsWith(`(${n})`));
    expect(named('first').map(([name, arg]) => [name, arg.extensions[PAGE_SIZE]])).toEqual([
      ['Query.workflows(first)', { min: 1, max: 200 }],
      ['Workflow.runs(first)', { min: 1, max: 100 }],
    ]);
    expect(named('after').map(([name, arg]) => [name, arg.extensions[CURSOR]])).toEqual([['Query.workflows(after)', true]]);
  });
});
