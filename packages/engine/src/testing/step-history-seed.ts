import type { EntityManager } from '@mikro-orm/core';
import { StepRunSchema } from '../db/entities/step-run.entity.js';
import { WorkflowRunSchema } from '../db/entities/workflow-run.entity.js';
import type { WorkflowPattern } from '../workflows/definition.js';

// Step history rows for the intelligence tests (learned estimates, optimizer history), written
// with an EntityManager: test set-up, so it lives beside the other test helpers, not in db/.

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
