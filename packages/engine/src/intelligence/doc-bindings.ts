import type { WorkflowDefinitionInput } from '../workflows/definition.js';

/**
 * Document bindings seen per step: the set each step actually receives (global ∪ its own).
 * Keyed by step id, in step order.
 */
export function effectiveDocuments(input: WorkflowDefinitionInput): Map<string, string[]> {
  const globals = input.documentIds ?? [];
  const map = new Map<string, string[]>();
  for (const step of input.steps) map.set(step.id ?? '', dedupe([...globals, ...(step.documentIds ?? [])]));
  return map;
}

/** Number of document injections a definition causes: Σ over steps of the documents each receives. */
export function injectionCount(input: WorkflowDefinitionInput): number {
  let total = 0;
  for (const docs of effectiveDocuments(input).values()) total += docs.length;
  return total;
}

/**
 * Writes per-step document sets back as bindings in their smallest form: a document every step
 * receives becomes global, every other one is bound to the steps that receive it. What each
 * step receives is exactly `perStep`; order follows the old globals, then first appearance.
 */
export function withDocuments(input: WorkflowDefinitionInput, perStep: ReadonlyMap<string, readonly string[]>): WorkflowDefinitionInput {
  const sets = input.steps.map((s) => new Set(perStep.get(s.id ?? '') ?? []));
  const order = dedupe([...(input.documentIds ?? []), ...input.steps.flatMap((s) => perStep.get(s.id ?? '') ?? [])]);
  const globals = order.filter((d) => sets.length > 0 && sets.every((set) => set.has(d)));
  const globalSet = new Set(globals);
  const steps = input.steps.map((s, i) => ({ ...s, documentIds: order.filter((d) => sets[i]!.has(d) && !globalSet.has(d)) }));
  return { ...input, documentIds: globals, steps };
}

function dedupe(ids: string[]): string[] {
  return [...new Set(ids)];
}
