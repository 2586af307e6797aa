import type { StepRun } from '$lib/graphql/run';

let n = 0;

/** A StepRun as the API returns it; override what the test is about. */
export function stepRunFactory(overrides: Partial<StepRun> = {}): StepRun {
  n += 1;
  return {
    id: `step-run-${n}`,
    stepId: `step-${n}`,
    iteration: 0,
    name: `Step ${n}`,
    status: 'PENDING',
    attempt: 1,
    taskId: null,
    output: null,
    error: null,
    failureCategory: null,
    runtimeId: 'simulated',
    modelId: 'simulated-smart',
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    budgetUsd: 1,
    turns: 0,
    turnsReused: 0,
    reusedUsd: 0,
    currentTool: null,
    tokensPerSecond: null,
    estimatedDurationMs: null,
    ...overrides,
  };
}
