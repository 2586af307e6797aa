import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * Whether the field being resolved asks for the sub-field at `path` (directly, or through inline
 * fragments and fragment spreads), e.g. `selectsField(info, 'steps')` or
 * `selectsField(info, 'steps', 'output')`. Lets a resolver ask the engine for less: runs without
 * their steps when a list shows only each run's status, steps without their output text.
 */
export function selectsField(info: GraphQLResolveInfo, ...path: [string, ...string[]]): boolean {
  // A list resolves the same field nodes once per item: decide once per field nodes and path.
  let byPath = decided.get(info.fieldNodes);
  if (!byPath) decided.set(info.fieldNodes, (byPath = new Map()));
  const key = path.length === 1 ? path[0] : path.join('.');
  let answer = byPath.get(key);
  if (answer === undefined) byPath.set(key, (answer = decide(info, path)));
  return answer;
}

/** Answers per field-node list (one per field of a parsed document; the document cache keeps them alive). */
const decided = new WeakMap<readonly FieldNode[], Map<string, boolean>>();

function decide(info: GraphQLResolveInfo, path: readonly string[]): boolean {
  let sets: SelectionSetNode[] = info.fieldNodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
  for (const name of path) {
    const fields = sets.flatMap((set) => fieldsNamed(info, set, name, new Set()));
    if (fields.length === 0) return false;
    sets = fields.flatMap((field) => (field.selectionSet ? [field.selectionSet] : []));
  }
  return true;
}

/** The fields called `name` in `set`, looking into inline fragments and (each once) fragment spreads. */
function fieldsNamed(info: GraphQLResolveInfo, set: SelectionSetNode, name: string, seen: Set<string>): FieldNode[] {
  return set.selections.flatMap((s): FieldNode[] => {
    if (s.kind === Kind.FIELD) return s.name.value === name ? [s] : [];
    if (s.kind === Kind.INLINE_FRAGMENT) return fieldsNamed(info, s.selectionSet, name, seen);
    if (seen.has(s.name.value)) return [];
    seen.add(s.name.value);
    const fragment = info.fragments[s.name.value];
    return fragment ? fieldsNamed(info, fragment.selectionSet, name, seen) : [];
  });
}
