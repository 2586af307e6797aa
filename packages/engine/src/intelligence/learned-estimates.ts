import type { EngineResources } from '../resources.js';
import { loadCompletedSteps, type CompletedStep } from '../db/history-store.js';

/** What to learn for: a model, optionally narrowed to a step name and a pattern. */
export interface ExpectationKey {
  stepName?: string;
  modelId: string;
  pattern?: string;
}

/** What comparable completed steps did, on average. */
export interface StepExpectation {
  /** Mean output tokens per attempt. */
  outputTokens: number;
  /** Mean model turns per attempt. */
  turns: number;
  /** Mean wall-clock duration per attempt, ms (0 when no sample recorded one). */
  durationMs: number;
  /** Attempts averaged (at most {@link LEARN_WINDOW}). */
  samples: number;
}

/**
 * Newest comparable attempts averaged per key. Twenty keeps the mean current (prompts and
 * models drift) while smoothing single outliers.
 */
export const LEARN_WINDOW = 20;

/** The map key {@link learnedStepExpectations} uses for a key: fields left out match anything. */
export function expectationKey(key: ExpectationKey): string {
  return JSON.stringify([key.stepName ?? null, key.modelId, key.pattern ?? null]);
}

/**
 * Expected output tokens, turns and duration per key, from the newest {@link LEARN_WINDOW}
 * COMPLETED step attempts that match it exactly: same model, and same step name and run
 * pattern when the key gives them. Keys without a comparable attempt are absent from the map
 * (the caller then keeps its default). Read-only; two queries whatever the number of keys.
 */
export async function learnedStepExpectations(resources: Pick<EngineResources, 'orm'>, keys: ExpectationKey[]): Promise<Map<string, StepExpectation>> {
  const result = new Map<string, StepExpectation>();
  if (keys.length === 0) return result;
  // Narrow by name too when every key names its step, so a busy model's other steps do not crowd the row limit.
  const names = keys.every((k) => k.stepName !== undefined) ? keys.map((k) => k.stepName!) : undefined;
  const history = await loadCompletedSteps(resources, { modelIds: keys.map((k) => k.modelId), names });
  for (const key of keys) {
    const matches = history.filter((h) => matchesKey(h, key)).slice(0, LEARN_WINDOW);
    if (matches.length === 0) continue;
    result.set(expectationKey(key), average(matches));
  }
  return result;
}

function matchesKey(step: CompletedStep, key: ExpectationKey): boolean {
  return (
    step.modelId === key.modelId && (key.stepName === undefined || step.name === key.stepName) && (key.pattern === undefined || step.pattern === key.pattern)
  );
}

function average(steps: CompletedStep[]): StepExpectation {
  const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);
  const timed = steps.map((s) => s.durationMs).filter((d): d is number => d !== null);
  return {
    outputTokens: mean(steps.map((s) => s.outputTokens)),
    turns: mean(steps.map((s) => s.turns)),
    // Whole ms: it is stored on the step row (an integer column) and served as an Int.
    durationMs: Math.round(mean(timed)),
    samples: steps.length,
  };
}
