import type { WorkflowDefinitionInput, WorkflowPattern } from '../workflows/definition.js';
import type { StepRunView, WorkflowRunView, WorkflowStepView, WorkflowView } from '../workflows/read-models.js';

/**
 * Builders of read models for the intelligence unit tests: every field filled with a neutral
 * value, overridable per test. Not used by the engine itself. Rows of step history are seeded
 * by `../testing/step-history-seed.ts`.
 */

/** A defined step with the given id; prompt and name derive from it unless overridden. */
export function stepView(id: string, overrides: Partial<WorkflowStepView> = {}): WorkflowStepView {
  return {
    id,
    name: `Step ${id}`,
    prompt: `Do the work of ${id}. Report what you found.`,
    runtimeId: null,
    modelId: null,
    budgetUsd: null,
    maxTurns: null,
    documentIds: [],
    tools: [],
    ...overrides,
  };
}

/** A SEQUENCE workflow with the given steps (default two) and no documents. */
export function workflowView(overrides: Partial<WorkflowView> = {}): WorkflowView {
  return {
    id: 'wf-1',
    projectId: null,
    name: 'Research brief',
    description: null,
    pattern: 'SEQUENCE',
    status: 'FAILED',
    runtimeId: 'simulated',
    budgetUsd: null,
    steps: [stepView('gather'), stepView('write')],
    documents: [],
    config: {},
    tools: [],
    runNumber: 1,
    latestRunId: 'run-1',
    createdAt: 1_000,
    updatedAt: 1_000,
    ...overrides,
  };
}

/** A step attempt; COMPLETED unless overridden. */
export function stepRunView(stepId: string, stepIndex: number, overrides: Partial<StepRunView> = {}): StepRunView {
  return {
    id: `sr-${stepId}`,
    runId: 'run-1',
    stepId,
    stepIndex,
    name: `Step ${stepId}`,
    status: 'COMPLETED',
    attempt: 1,
    iteration: 0,
    taskId: `task-${stepId}`,
    output: 'done',
    error: null,
    failureCategory: null,
    evidence: null,
    runtimeId: 'simulated',
    modelId: 'simulated-smart',
    startedAt: 10_000,
    finishedAt: 20_000,
    durationMs: 10_000,
    elapsedMs: 10_000,
    estimatedDurationMs: null,
    inputTokens: 1_000,
    outputTokens: 200,
    costUsd: 0.01,
    budgetUsd: 5,
    turns: 1,
    currentTool: null,
    tokensPerSecond: null,
    resumeAt: null,
    documentCount: 0,
    pricingKnown: true,
    turnsReused: 0,
    reusedUsd: 0,
    ...overrides,
  };
}

/** A run of {@link workflowView}'s workflow; FAILED unless overridden. */
export function runView(steps: StepRunView[], overrides: Partial<WorkflowRunView> = {}): WorkflowRunView {
  return {
    id: 'run-1',
    workflowId: 'wf-1',
    runNumber: 1,
    status: 'FAILED',
    startedAt: 9_000,
    finishedAt: 30_000,
    steps,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: steps.reduce((a, s) => a + s.costUsd, 0),
    costEstimate: null,
    reusedUsd: 0,
    failureCategory: null,
    error: null,
    pricingKnown: true,
    resumeAt: null,
    instanceId: null,
    resumeCount: 0,
    ...overrides,
  };
}

/** The workflow a definition input would be stored as (ids kept, bindings split into `documents`). */
export function workflowFromInput(input: WorkflowDefinitionInput): WorkflowView {
  const documents = [
    ...(input.documentIds ?? []).map((documentId) => ({ documentId, stepId: null })),
    ...input.steps.flatMap((s) => (s.documentIds ?? []).map((documentId) => ({ documentId, stepId: s.id! }))),
  ];
  return workflowView({
    name: input.name,
    pattern: input.pattern as WorkflowPattern,
    runtimeId: input.runtimeId ?? null,
    budgetUsd: input.budgetUsd ?? null,
    config: (input.config ?? {}) as WorkflowView['config'],
    documents,
    steps: input.steps.map((s) =>
      stepView(s.id!, {
        name: s.name,
        prompt: s.prompt,
        runtimeId: s.runtimeId ?? null,
        modelId: s.modelId ?? null,
        budgetUsd: s.budgetUsd ?? null,
        maxTurns: s.maxTurns ?? null,
        documentIds: [...(s.documentIds ?? [])],
      }),
    ),
  });
}
