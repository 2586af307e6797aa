import type { EntityManager } from '@mikro-orm/core';
import { StepRunSchema } from '../db/entities/step-run.entity.js';
import { WorkflowRunSchema } from '../db/entities/workflow-run.entity.js';
import type { WorkflowDefinitionInput, WorkflowPattern } from '../workflows/definition.js';
import type { StepRunView, WorkflowRunView, WorkflowStepView, WorkflowView } from '../workflows/read-models.js';

/**
 * Builders of read models for the intelligence unit tests: every field filled with a neutral
 * value, overridable per test. Not used by the engine itself.
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
    failureCategory: null,
    error: null,
    pricingKnown: true,
    resumeAt: null,
    ...overrides,
  };
}

/** A completed step attempt to seed into `step_runs`, in a run of the given pattern. */
export interface SeedStep {
  runId: string;
  pattern: string;
  name: string;
  modelId?: string;
  runtimeId?: string;
  status?: string;
  costUsd?: number;
  outputTokens?: number;
  turns?: number;
  durationMs?: number;
  finishedAt?: number;
}

/**
 * Inserts step attempts (and one `workflow_runs` row per distinct run id, whose definition
 * snapshot carries the pattern). Flushes.
 */
export async function seedSteps(em: EntityManager, steps: SeedStep[]): Promise<void> {
  const runs = new Map<string, string>();
  steps.forEach((s, i) => {
    if (!runs.has(s.runId)) runs.set(s.runId, s.pattern);
    const finishedAt = s.finishedAt ?? 100_000 + i;
    em.create(StepRunSchema, {
      id: `sr-${i}-${s.runId}`,
      createdAt: finishedAt,
      runId: s.runId,
      workflowId: 'wf-h',
      stepId: `step-${i}`,
      stepIndex: 0,
      name: s.name,
      status: s.status ?? 'COMPLETED',
      runtimeId: s.runtimeId ?? 'simulated',
      modelId: s.modelId ?? 'simulated-smart',
      startedAt: finishedAt - (s.durationMs ?? 1_000),
      finishedAt,
      durationMs: s.durationMs ?? 1_000,
      outputTokens: s.outputTokens ?? 100,
      turns: s.turns ?? 1,
      costMicros: Math.round((s.costUsd ?? 0.01) * 1_000_000),
      budgetUsd: 5,
      updatedAt: finishedAt,
    });
  });
  let n = 0;
  for (const [runId, pattern] of runs) {
    n += 1;
    em.create(WorkflowRunSchema, {
      id: runId,
      createdAt: 1,
      workflowId: 'wf-h',
      runNumber: n,
      status: 'COMPLETED',
      startedAt: 1,
      updatedAt: 1,
      definition: { name: 'history', pattern: pattern as WorkflowPattern, steps: [], config: {} },
    });
  }
  await em.flush();
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
