import { decodeOffsetCursor, ErrorCode } from '@stagent/engine';
import {
  getArgumentValues,
  getNullableType,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  isInputObjectType,
  isListType,
  isObjectType,
  isScalarType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { CURSOR, PAGE_SIZE, TEXT_KIND, TEXT_LIMITS, type PageSizeRange, type TextKind } from './input-limits.js';

/** One problem with one input value, in the shape of the contract's `UserError`. */
interface InputIssue {
  field: string[];
  message: string;
  code: string;
}

/** What {@link checkOperationInputs} found: the refusals, and each field's argument values (for the cost estimate). */
export interface OperationInputs {
  errors: GraphQLError[];
  /** The coerced argument values of a field of the operation (defaults applied); undefined for fields it did not reach. */
  argumentsOf(field: FieldNode): Record<string, unknown> | undefined;
}

/**
 * Checks every argument of every field of an operation, with its variables, before anything
 * executes: text within its kind's limit ({@link TEXT_LIMITS}) and free of NUL characters, page
 * sizes within their range, cursors in the engine's format. One refusal stops the whole
 * operation, so an aliased field with a bad argument cannot ride along with costly ones.
 */
export function checkOperationInputs(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawVariables: Record<string, unknown> | null | undefined,
): OperationInputs {
  const values = new Map<FieldNode, Record<string, unknown>>();
  const errors: GraphQLError[] = [];
  const argumentsOf = (field: FieldNode) => values.get(field);
  const operation = getOperationAST(document, operationName);
  if (!operation) return { errors, argumentsOf };
  // Variables are coerced as execution will coerce them; when they do not coerce, execution reports it.
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {}, { maxErrors: 1 });
  if (coerced.errors) return { errors, argumentsOf };
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);

  // Each fragment is visited once per selection set, as graphql-js collects fields: visiting every
  // spread would make a chain of fragments that each spread the next several times exponential.
  const visit = (set: SelectionSetNode, parent: GraphQLObjectType, path: string[], spread: Set<string> = new Set()): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const def = parent.getFields()[selection.name.value];
        if (!def) continue;
        const responsePath = [...path, selection.alias?.value ?? selection.name.value];
        let args: Record<string, unknown>;
        try {
          args = getArgumentValues(def, selection, coerced.coerced);
        } catch {
          continue; // execution reports an argument that does not coerce
        }
        values.set(selection, args);
        for (const arg of def.args) {
          const node = selection.arguments?.find((a) => a.name.value === arg.name) ?? selection;
          for (const issue of inputIssues(args[arg.name], arg.type, arg.extensions, [arg.name])) {
            errors.push(new GraphQLError(issue.message, { nodes: [node], path: responsePath, extensions: { code: 'BAD_USER_INPUT', issues: [issue] } }));
          }
        }
        const type = getNullableTypeDeep(def.type);
        if (selection.selectionSet && isObjectType(type)) visit(selection.selectionSet, type, responsePath);
      } else {
        if (selection.kind === Kind.FRAGMENT_SPREAD) {
          if (spread.has(selection.name.value)) continue;
          spread.add(selection.name.value);
        }
        const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
        if (!fragment) continue;
        const condition = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : parent;
        if (isObjectType(condition)) visit(fragment.selectionSet, condition, path, spread);
      }
    }
  };
  const root = schema.getRootType(operation.operation);
  if (root) visit(operation.selectionSet, root, []);
  return { errors, argumentsOf };
}

/** The named type under any list and non-null wrappers. */
function getNullableTypeDeep(type: Parameters<typeof getNullableType>[0]): unknown {
  let t: unknown = getNullableType(type);
  while (isListType(t)) t = getNullableType(t.ofType);
  return t;
}

/** The issues of one (coerced) input value of `type`, walking lists and input objects. */
function* inputIssues(value: unknown, type: GraphQLInputType, extensions: Readonly<Record<string, unknown>>, field: string[]): Generator<InputIssue> {
  if (value === null || value === undefined) return;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    const items = value as unknown[];
    for (let i = 0; i < items.length; i++) yield* inputIssues(items[i], nullable.ofType, {}, [...field, String(i)]);
    return;
  }
  if (isInputObjectType(nullable)) {
    const object = value as Record<string, unknown>;
    for (const f of Object.values(nullable.getFields())) yield* inputIssues(object[f.name], f.type, f.extensions, [...field, f.name]);
    return;
  }
  if (!isScalarType(nullable)) return;
  const range = extensions[PAGE_SIZE] as PageSizeRange | undefined;
  if (range && typeof value === 'number' && (value < range.min || value > range.max)) {
    yield { field, code: ErrorCode.OUT_OF_RANGE, message: `${field.join('.')} must be from ${range.min} to ${range.max}, got ${value}.` };
    return;
  }
  if (nullable.name !== 'String' && nullable.name !== 'ID' && nullable.name !== 'JSON') return;
  const kind = (extensions[TEXT_KIND] as TextKind | undefined) ?? (nullable.name === 'ID' ? 'id' : 'key');
  yield* textIssues(value, kind, field);
  if (extensions[CURSOR] && typeof value === 'string' && value.length <= TEXT_LIMITS.cursor && decodeOffsetCursor(value) === null) {
    yield {
      field,
      code: ErrorCode.INVALID_VALUE,
      message: `${field.join('.')} is not a cursor this API returned: pass pageInfo.endCursor of the previous page, or omit it for the first page.`,
    };
  }
}

/**
 * The length limit of `kind` (text as is, JSON serialized), then the NUL rule: text inputs may
 * not contain U+0000. Nothing a person types needs it, PostgreSQL cannot store it in text, and
 * C-string consumers (SQLite's SQL functions, terminals, provider SDKs) cut text at it, so it is
 * refused with the field's path rather than stored.
 */
function* textIssues(value: unknown, kind: TextKind, field: string[]): Generator<InputIssue> {
  const limit = TEXT_LIMITS[kind];
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const name = field.join('.');
  if (text.length > limit) {
    yield {
      field,
      code: ErrorCode.OUT_OF_RANGE,
      message: `${name} is ${text.length.toLocaleString('en-US')} characters long; the limit is ${limit.toLocaleString('en-US')}. Shorten it.`,
    };
    return;
  }
  if (containsNul(value)) {
    yield { field, code: ErrorCode.INVALID_VALUE, message: `${name} contains a NUL character (U+0000), which no text input accepts; remove it.` };
  }
}

/** Whether a string, or any string or key inside a JSON value, contains U+0000. */
function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(containsNul);
  if (value && typeof value === 'object') return Object.entries(value).some(([key, v]) => key.includes('\u0000') || containsNul(v));
  return false;
}
