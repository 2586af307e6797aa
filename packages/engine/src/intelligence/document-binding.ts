import type { WorkflowDefinitionInput } from '../workflows/definition.js';
import { createBm25Index } from './bm25.js';
import { effectiveDocuments, injectionCount, withDocuments } from './doc-bindings.js';

/**
 * Lowest BM25 score at which a document counts as relevant to a step prompt. With the small
 * corpora of one workflow (1-50 documents) a single distinctive shared term scores about
 * 0.7-2.0 and a term shared by every document about 0.1-0.3, so 0.5 means "at least one
 * distinctive term, or several common ones".
 */
export const RELEVANCE_MIN_SCORE = 0.5;
/** A document's name is repeated this often in its indexed text: names are short and say what it is. */
const NAME_WEIGHT = 3;
/** Characters of each document indexed; enough to learn its vocabulary, bounded for big files. */
const MAX_INDEXED_CHARS = 200_000;

/** Which global documents each step should keep, and what that saves. */
export interface BindingProposal {
  /** Step id → documents that step would receive (its own + the relevant globals). */
  perStep: Map<string, string[]>;
  /** Document injections (Σ documents per step) now and with the proposal. */
  before: number;
  after: number;
  /** Global documents that would no longer reach every step, in binding order. */
  narrowed: string[];
}

/**
 * Proposes per-step bindings for a definition's global documents by BM25 relevance of each
 * document (name + content) to each step prompt. Conservative on purpose:
 * - a document no step's prompt matches stays global (nothing says which step needs it);
 * - a step whose prompt matches no document keeps every global one (it may say "the attached
 *   documents" without naming them);
 * - documents without content in `documents` are not scored and stay where they are.
 * Null when no injection would be saved, or when any step has no id yet (nothing to bind to).
 */
export function proposeBindings(
  definition: WorkflowDefinitionInput,
  documents: readonly { id: string; name: string; content: string }[],
): BindingProposal | null {
  const globals = definition.documentIds ?? [];
  if (definition.steps.length < 2 || globals.length === 0 || definition.steps.some((s) => !s.id)) return null;
  const known = documents.filter((d) => globals.includes(d.id));
  if (known.length === 0) return null;
  const index = createBm25Index(known.map((d) => ({ id: d.id, text: `${`${d.name} `.repeat(NAME_WEIGHT)}${d.content.slice(0, MAX_INDEXED_CHARS)}` })));
  const relevant = new Map<string, Set<string>>(); // step id → relevant global doc ids
  const matchedByAny = new Set<string>();
  for (const step of definition.steps) {
    const hits = new Set([...index.score(step.prompt)].filter(([, s]) => s >= RELEVANCE_MIN_SCORE).map(([id]) => id));
    relevant.set(step.id!, hits);
    for (const id of hits) matchedByAny.add(id);
  }
  const movable = new Set(known.map((d) => d.id).filter((id) => matchedByAny.has(id)));
  const perStep = effectiveDocuments(definition);
  const narrowed = new Set<string>();
  for (const step of definition.steps) {
    const hits = relevant.get(step.id!)!;
    if (hits.size === 0) continue;
    const keep = perStep.get(step.id!)!.filter((id) => !movable.has(id) || hits.has(id) || (step.documentIds ?? []).includes(id));
    for (const id of perStep.get(step.id!)!) if (!keep.includes(id)) narrowed.add(id);
    perStep.set(step.id!, keep);
  }
  const before = injectionCount(definition);
  const after = injectionCount(withDocuments(definition, perStep));
  return after < before ? { perStep, before, after, narrowed: globals.filter((id) => narrowed.has(id)) } : null;
}
