import {
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  Kind,
  parse,
  typeFromAST,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

/** A JSON Schema object as model providers take tool input schemas (draft 2020-12 subset). */
export type JsonSchema = { [key: string]: unknown };

/** JSON Schemas of the scalars the schema uses; custom scalars say what they carry. */
const SCALARS: Record<string, JsonSchema> = {
  ID: { type: 'string' },
  String: { type: 'string' },
  Int: { type: 'integer' },
  Float: { type: 'number' },
  Boolean: { type: 'boolean' },
  DateTime: { type: 'string', description: 'ISO 8601 date and time, or epoch milliseconds.' },
  JSON: { description: 'Any JSON value.' },
};

/**
 * The input schema of a tool: one property per variable of its operation, typed from the
 * schema's own input types (nested input objects, enums with their values, lists), required when
 * non-null, described by the schema's description of the argument the variable feeds. Generated
 * on each call from the schema, so a tool can never ask for what the API does not take.
 */
export function toolInputSchema(schema: GraphQLSchema, document: string): JsonSchema {
  const operation = parse(document).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const described = argumentDescriptions(schema, operation);
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const variable of operation.variableDefinitions ?? []) {
    const name = variable.variable.name.value;
    const type = typeFromAST(schema, variable.type as never) as GraphQLInputType;
    const description = described.get(name);
    properties[name] = { ...inputType(type), ...(description ? { description } : {}) };
    if (isNonNullType(type)) required.push(name);
  }
  return { type: 'object', properties, required, additionalProperties: false };
}

function inputType(type: GraphQLInputType): JsonSchema {
  if (isNonNullType(type)) return inputType(type.ofType);
  if (isListType(type)) return { type: 'array', items: inputType(type.ofType) };
  if (isEnumType(type)) return { type: 'string', enum: type.getValues().map((v) => v.name), ...(type.description ? { description: type.description } : {}) };
  if (isScalarType(type)) return { ...(SCALARS[type.name] ?? {}), ...(type.description && !SCALARS[type.name] ? { description: type.description } : {}) };
  if (isInputObjectType(type)) {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const field of Object.values(type.getFields())) {
      properties[field.name] = { ...inputType(field.type), ...(field.description ? { description: field.description } : {}) };
      if (isNonNullType(field.type) && field.defaultValue === undefined) required.push(field.name);
    }
    return { type: 'object', properties, required, additionalProperties: false, ...(type.description ? { description: type.description } : {}) };
  }
  return {};
}

/** For each variable used directly as a root field's argument, that argument's description in the schema. */
function argumentDescriptions(schema: GraphQLSchema, operation: OperationDefinitionNode): Map<string, string> {
  const root = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  const described = new Map<string, string>();
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) continue;
    const field = root?.getFields()[selection.name.value];
    for (const argument of selection.arguments ?? []) {
      if (argument.value.kind !== Kind.VARIABLE) continue;
      const description = field?.args.find((a) => a.name === argument.name.value)?.description;
      if (description) described.set(argument.value.name.value, description);
    }
  }
  return described;
}
