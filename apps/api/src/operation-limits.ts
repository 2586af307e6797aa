import type { Plugin } from 'graphql-yoga';
import { checkOperationInputs, type OperationInputs } from '@stagent/schema';
import {
  getNamedType,
  getOperationAST,
  getNullableType,
  GraphQLError,
  isCompositeType,
  isListType,
  isObjectType,
  Kind,
  type ASTVisitor,
  type DocumentNode,
  type ExecutionArgs,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/**
 * Limits on the shape of an operation, checked before execution on HTTP and WebSocket alike.
 * Introspection (`__schema`, `__type`) has its own depth limit: the standard introspection query
 * is deeper than any query of our own fields.
 */
export interface OperationLimits {
  /** Deepest nesting of the schema's own fields. The schema has no cycles: its deepest real query (executeWorkflow → workflow → latestRun → costEstimate → steps → stepId) is 6. */
  maxDepth: number;
  /**
   * Deepest nesting below `__schema` or `__type`, counting those fields. graphql-js's
   * `getIntrospectionQuery()` (used by GraphiQL and graphql-codegen), with any of its options, is
   * 15 deep: `__schema → types → fields → args → type`, nine `ofType`, then `name`. Our deepest type
   * reference (`[X!]!`) needs three `ofType`. graphql-js's own MaxIntrospectionDepthRule only bounds
   * nested `fields`/`interfaces`/`possibleTypes`/`inputFields` lists, not `ofType` chains.
   */
  maxIntrospectionDepth: number;
  /**
   * Estimated field resolutions allowed (see {@link operationCost}). The dashboard's largest
   * read, its 200-workflow list with each latest run and 50 run statuses, costs 25,801 (its
   * 50-workflow page 6,451); 30,000 leaves it room and refuses a page of runs with their steps
   * across 200 workflows (220,401).
   */
  maxCost: number;
  /** Aliased fields allowed in one document (aliases multiply work without multiplying the document). */
  maxAliases: number;
  /** Lexical tokens allowed in one document (graphql-js stops parsing past it). */
  maxTokens: number;
}

/** The defaults the server uses. */
export const defaultOperationLimits: OperationLimits = { maxDepth: 8, maxIntrospectionDepth: 15, maxCost: 30_000, maxAliases: 30, maxTokens: 3_000 };

/** Assumed length of a list field without a `first` argument. */
const DEFAULT_LIST_SIZE = 10;

type Fragments = Map<string, FragmentDefinitionNode>;

function fragmentsOf(document: DocumentNode): Fragments {
  const map: Fragments = new Map();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) map.set(def.name.value, def);
  return map;
}

/**
 * The fields of a selection set with fragments spread in, each fragment once per selection set
 * as graphql-js collects them (a fragment spread twice yields fields that merge). Walking each
 * spread instead made a chain of fragments that spread the next one three times exponential:
 * 14 links kept the server busy for 22 s.
 */
function* fieldsOf(set: SelectionSetNode, fragments: Fragments, seen: Set<string> = new Set()): Generator<FieldNode> {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) yield selection;
    else if (selection.kind === Kind.INLINE_FRAGMENT) yield* fieldsOf(selection.selectionSet, fragments, seen);
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) yield* fieldsOf(fragment.selectionSet, fragments, seen);
    }
  }
}

/** Whether a field belongs to introspection (`__schema`, `__type`, `__typename` and everything below them). */
const isIntrospectionField = (field: FieldNode): boolean => field.name.value.startsWith('__');

/** Deepest nesting of a selection set; `skip` fields are left out with everything below them. */
function depthOf(set: SelectionSetNode | undefined, fragments: Fragments, skip: (field: FieldNode) => boolean = () => false): number {
  if (!set) return 0;
  let max = 0;
  for (const field of fieldsOf(set, fragments)) {
    if (skip(field)) continue;
    max = Math.max(max, 1 + depthOf(field.selectionSet, fragments, skip));
  }
  return max;
}

/** Deepest introspection subtree: `__schema` and `__type` are root fields, so only the root is searched. */
function introspectionDepthOf(set: SelectionSetNode, fragments: Fragments): number {
  let max = 0;
  for (const field of fieldsOf(set, fragments)) if (isIntrospectionField(field)) max = Math.max(max, 1 + depthOf(field.selectionSet, fragments));
  return max;
}

/**
 * Estimated resolutions: each field costs 1 plus its children times a multiplier, which is the
 * field's `first` (its checked value, or its default when absent) when it takes one, the
 * assumed list size for other lists, and 1 for a connection's `nodes` (already counted by its
 * parent's `first`). It runs after the input check, so `first` is within its range.
 */
export function operationCost(set: SelectionSetNode | undefined, type: GraphQLCompositeType, inputs: OperationInputs, fragments: Fragments): number {
  if (!set) return 0;
  let total = 0;
  for (const field of fieldsOf(set, fragments)) {
    if (isIntrospectionField(field) || !isObjectType(type)) continue;
    const def = type.getFields()[field.name.value];
    if (!def) continue;
    const named = getNamedType(def.type);
    const isList = isListType(getNullableType(def.type));
    const first = inputs.argumentsOf(field)?.first;
    const multiplier = typeof first === 'number' ? first : isList && field.name.value !== 'nodes' ? DEFAULT_LIST_SIZE : 1;
    const children = isCompositeType(named) ? operationCost(field.selectionSet, named, inputs, fragments) : 0;
    total += 1 + multiplier * children;
  }
  return total;
}

function countAliases(set: SelectionSetNode | undefined, fragments: Fragments): number {
  if (!set) return 0;
  let count = 0;
  for (const field of fieldsOf(set, fragments)) count += (field.alias ? 1 : 0) + countAliases(field.selectionSet, fragments);
  return count;
}

/** A validation rule enforcing depth and alias limits on every operation of a document (they do not depend on variables). */
export function operationLimitsRule(limits: OperationLimits): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const fragments = fragmentsOf(context.getDocument());
      const name = operation.name?.value ?? 'anonymous';
      const depth = depthOf(operation.selectionSet, fragments, isIntrospectionField);
      if (depth > limits.maxDepth) {
        context.reportError(
          new GraphQLError(`Operation "${name}" is ${depth} levels deep; the limit is ${limits.maxDepth}.`, {
            nodes: [operation],
            extensions: { code: 'DEPTH_LIMIT' },
          }),
        );
      }
      const introspectionDepth = introspectionDepthOf(operation.selectionSet, fragments);
      if (introspectionDepth > limits.maxIntrospectionDepth) {
        context.reportError(
          new GraphQLError(
            `Operation "${name}" introspects ${introspectionDepth} levels deep; the limit is ${limits.maxIntrospectionDepth} (the standard introspection query, graphql-js getIntrospectionQuery(), fits).`,
            { nodes: [operation], extensions: { code: 'INTROSPECTION_DEPTH_LIMIT' } },
          ),
        );
      }
      const aliases = countAliases(operation.selectionSet, fragments);
      if (aliases > limits.maxAliases) {
        context.reportError(
          new GraphQLError(`Operation "${name}" uses ${aliases} aliases; the limit is ${limits.maxAliases}.`, {
            nodes: [operation],
            extensions: { code: 'ALIAS_LIMIT' },
          }),
        );
      }
    },
  });
}

/**
 * Why an operation must not run, decided with its variables: the input check first (text limits,
 * NUL, page sizes, cursors; see `@stagent/schema` `input-checks.ts`), then the cost estimate,
 * which uses the checked page sizes. Null when it may run.
 */
export function executionRefusal(args: ExecutionArgs, limits: OperationLimits): GraphQLError[] | null {
  const inputs = checkOperationInputs(args.schema, args.document, args.operationName, args.variableValues);
  if (inputs.errors.length) return inputs.errors;
  const operation = getOperationAST(args.document, args.operationName);
  const root = operation && args.schema.getRootType(operation.operation);
  if (!operation || !root) return null;
  const cost = operationCost(operation.selectionSet, root, inputs, fragmentsOf(args.document));
  if (cost <= limits.maxCost) return null;
  const name = operation.name?.value ?? 'anonymous';
  return [
    new GraphQLError(
      `Operation "${name}" has an estimated cost of ${cost} field resolutions; the limit is ${limits.maxCost}. Ask for fewer items (first) or fewer fields.`,
      {
        nodes: [operation],
        extensions: { code: 'COST_LIMIT', cost },
      },
    ),
  ];
}

/**
 * Envelop plugin: token limit at parse time, depth and alias limits at validation time (cached
 * with the document), input checks and the cost limit at execution time, where the variables
 * are known (a page size passed as a variable counts as its value, not as a guess).
 */
export function useOperationLimits(limits: OperationLimits = defaultOperationLimits): Plugin {
  const rule = operationLimitsRule(limits);
  return {
    onParse({ parseFn, setParseFn }) {
      setParseFn((source, options) => parseFn(source, { ...options, maxTokens: limits.maxTokens }));
    },
    onValidate({ addValidationRule }) {
      addValidationRule(rule);
    },
    onExecute({ args, setResultAndStopExecution }) {
      const errors = executionRefusal(args, limits);
      if (errors) setResultAndStopExecution({ errors });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const errors = executionRefusal(args, limits);
      if (errors) setResultAndStopExecution({ errors });
    },
  };
}
