import type { WorkflowDefinitionInput } from '../workflows/definition.js';
import { MAX_NAME_LENGTH, MAX_STEP_ID_LENGTH, MAX_STEPS } from '../workflows/definition-schema.js';

/** Patterns whose step count is free, so one step can become two without breaking the structure. */
const SPLITTABLE_PATTERNS: ReadonlySet<string> = new Set(['SEQUENCE', 'CHECKPOINT', 'PLANNER_EXECUTOR']);

/**
 * Splits a prompt in two at a paragraph boundary, else at a sentence boundary, keeping the
 * halves as even as possible by unit count. Null when the prompt is a single sentence.
 */
export function splitPrompt(prompt: string): [string, string] | null {
  const paragraphs = prompt
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (paragraphs.length >= 2) return halves(paragraphs, '\n\n');
  const sentences = prompt
    .trim()
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (sentences.length >= 2) return halves(sentences, ' ');
  return null;
}

function halves(units: string[], glue: string): [string, string] {
  const cut = Math.ceil(units.length / 2);
  return [units.slice(0, cut).join(glue), units.slice(cut).join(glue)];
}

/** Why a step cannot be split, or null when it can. */
export function splitBlocker(input: WorkflowDefinitionInput, stepId: string): string | null {
  const index = input.steps.findIndex((s) => s.id === stepId);
  if (index < 0) return `No step "${stepId}".`;
  if (!SPLITTABLE_PATTERNS.has(String(input.pattern)))
    return `${input.pattern} fixes its step structure; only SEQUENCE, CHECKPOINT and PLANNER_EXECUTOR steps can be split.`;
  if (input.pattern === 'PLANNER_EXECUTOR' && index === 0) return 'The planner step cannot be split: every later step expects one plan.';
  const delays = (input.config as { delays?: Record<string, string> } | undefined)?.delays;
  if (delays?.[stepId]) return 'A delay step has no work to split.';
  if (input.steps.length >= MAX_STEPS) return `The workflow already has ${input.steps.length} steps, the most a definition may hold.`;
  if (!splitPrompt(input.steps[index]!.prompt)) return 'The prompt is a single sentence; there is no boundary to split at.';
  return null;
}

/**
 * Replaces a step with two: part 1 keeps the step's id (so checkpoints, history and bindings
 * still point at it) and the first half of its prompt; part 2 gets a new id, the second half,
 * and copies of the step's runtime, model, budget, turn limit and documents. In SEQUENCE and
 * CHECKPOINT the engine hands part 1's output to part 2. Call {@link splitBlocker} first.
 */
export function splitStep(input: WorkflowDefinitionInput, stepId: string): WorkflowDefinitionInput {
  const index = input.steps.findIndex((s) => s.id === stepId);
  const step = input.steps[index]!;
  const [first, second] = splitPrompt(step.prompt)!;
  const taken = new Set(input.steps.map((s) => s.id ?? ''));
  const partTwo = {
    ...step,
    id: freshId(stepId, taken),
    name: `${step.name.slice(0, MAX_NAME_LENGTH - 10)} (part 2)`,
    prompt: second,
    documentIds: step.documentIds ? [...step.documentIds] : step.documentIds,
  };
  const partOne = { ...step, name: `${step.name.slice(0, MAX_NAME_LENGTH - 10)} (part 1)`, prompt: first };
  const steps = [...input.steps];
  steps.splice(index, 1, partOne, partTwo);
  return { ...input, steps };
}

function freshId(base: string, taken: ReadonlySet<string>): string {
  for (let n = 2; ; n += 1) {
    const suffix = `-part${n}`;
    const id = `${base.slice(0, MAX_STEP_ID_LENGTH - suffix.length)}${suffix}`;
    if (!taken.has(id)) return id;
  }
}
