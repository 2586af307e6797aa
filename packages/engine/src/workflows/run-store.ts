import { StepRunSchema, type StepRun } from '../db/entities/step-run.entity.js';
import { WorkflowRunSchema, type WorkflowRun } from '../db/entities/workflow-run.entity.js';
import { WorkflowSchema, type Workflow } from '../db/entities/workflow.entity.js';
import { ConflictError } from '../errors.js';
import { transitionStatus } from '../db/direct-sql.js';
import { findRunStatus, findWorkflowStatus, stepAttemptsOf } from '../db/run-rows.js';
import type { SqlExecutor } from '../db/sql-executor.js';
import type { UnitOfWork } from '../db/unit-of-work.js';
import type { FailureCategory } from '../runtimes/failure-category.js';
import type { StepRunView, WorkflowRunView } from './read-models.js';
import { transitionRun, type RunStatus } from './run-state.js';
import { transitionStep, type StepStatus } from './step-state.js';
import { transitionWorkflow, workflowStatusForRun, type WorkflowStatus } from './workflow-state.js';

/**
 * The only place that writes `status` on workflows, runs and step runs, in the caller's
 * transaction. Every write is checked against its transition table and is a compare-and-set
 * naming the status it expects (`transitionStatus`); zero affected rows is a
 * {@link ConflictError}, never overwritten.
 */

/**
 * The fields every new step attempt is born with: PENDING, its cap, nothing spent yet. The one
 * place a step row's starting status is chosen (later changes go through {@link transitionStepRow}).
 */
export function pendingStepFields(budgetUsd: number) {
  return {
    status: 'PENDING' as const,
    budgetUsd,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    costMicros: 0,
    turns: 0,
    documentCount: 0,
    pricingKnown: true,
  };
}

/** Moves a step run from `from` to `to` (checked against the step transition table) with extra columns. */
export async function transitionStepRow(
  sql: SqlExecutor,
  row: Pick<StepRun, 'id' | 'status'>,
  to: StepStatus,
  changes: Partial<StepRun> = {},
  now?: number,
): Promise<void> {
  const affected = await transitionStatus(sql, StepRunSchema, transitionStep, { id: row.id }, row.status as StepStatus, to, {
    ...changes,
    ...(now !== undefined ? { updatedAt: now } : {}),
  });
  if (affected === 0) throw new ConflictError(`Step run ${row.id} is no longer ${row.status}.`);
  (row as { status: string }).status = to;
}

/** Moves a run from one of `from` to `to` with extra columns; returns the status it left. */
export async function transitionRunRow(
  uow: UnitOfWork,
  runId: string,
  from: readonly RunStatus[],
  to: RunStatus,
  changes: Partial<WorkflowRun> = {},
): Promise<RunStatus> {
  const current = await findRunStatus(uow, runId);
  if (!current || !from.includes(current.status as RunStatus))
    throw new ConflictError(`Run ${runId} is ${current?.status ?? 'missing'}, not ${from.join(' or ')}.`);
  const affected = await transitionStatus(uow.sql, WorkflowRunSchema, transitionRun, { id: runId }, current.status as RunStatus, to, changes);
  if (affected === 0) throw new ConflictError(`Run ${runId} changed while moving to ${to}.`);
  return current.status as RunStatus;
}

/**
 * Moves a workflow to `to` from the status it has now (checked against the workflow transition
 * table), with extra columns. `expect` must match too: a claim names the `version` it read, a run
 * mirroring its status names itself as `latestRunId`. Returns false when `expect` no longer
 * matches or the status changed meanwhile (nothing written).
 */
export async function transitionWorkflowRow(
  uow: UnitOfWork,
  workflowId: string,
  to: WorkflowStatus,
  expect: { version: number } | { latestRunId: string },
  changes: Partial<Workflow> = {},
): Promise<boolean> {
  const current = await findWorkflowStatus(uow, workflowId, expect);
  if (!current) return false;
  return (
    (await transitionStatus(uow.sql, WorkflowSchema, transitionWorkflow, { id: workflowId, ...expect }, current.status as WorkflowStatus, to, changes)) > 0
  );
}

/** The workflow's status follows its latest run (a workflow re-run meanwhile keeps the newer run's). */
export async function mirrorRunOnWorkflow(uow: UnitOfWork, workflowId: string, runId: string, run: RunStatus, now: number): Promise<void> {
  await transitionWorkflowRow(uow, workflowId, workflowStatusForRun(run), { latestRunId: runId }, { updatedAt: now });
}

/** The latest attempt of every (step, iteration) of a run, in step order then iteration. */
export async function latestStepRows(reader: Parameters<typeof stepAttemptsOf>[0], runId: string): Promise<StepRun[]> {
  return latestOnly(await stepAttemptsOf(reader, runId));
}

/** Keeps the highest attempt per (step, iteration); input sorted by attempt ascending. */
export function latestOnly(rows: StepRun[]): StepRun[] {
  const byKey = new Map<string, StepRun>();
  for (const r of rows) byKey.set(`${r.runId}:${r.stepId}:${r.iteration}`, r);
  return [...byKey.values()].sort((a, b) => a.stepIndex - b.stepIndex || a.iteration - b.iteration);
}

/** Read model of a step run. */
export function toStepRunView(r: StepRun, now: number = Date.now()): StepRunView {
  return {
    id: r.id,
    runId: r.runId,
    stepId: r.stepId,
    stepIndex: r.stepIndex,
    name: r.name,
    status: r.status as StepStatus,
    attempt: r.attempt,
    iteration: r.iteration,
    taskId: r.taskId ?? null,
    output: r.output ?? null,
    error: r.error ?? null,
    failureCategory: (r.failureCategory as FailureCategory | null) ?? null,
    evidence: r.evidence ?? null,
    runtimeId: r.runtimeId ?? null,
    modelId: r.modelId ?? null,
    startedAt: r.startedAt ?? null,
    finishedAt: r.finishedAt ?? null,
    durationMs: r.durationMs ?? null,
    elapsedMs: r.durationMs ?? (r.startedAt ? Math.max(0, now - r.startedAt) : null),
    estimatedDurationMs: r.estimatedDurationMs ?? null,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    costUsd: r.costMicros / 1_000_000,
    budgetUsd: r.budgetUsd,
    turns: r.turns,
    currentTool: r.currentTool ?? null,
    tokensPerSecond: r.tokensPerSecond ?? null,
    resumeAt: r.resumeAt ?? null,
    documentCount: r.documentCount,
    pricingKnown: r.pricingKnown,
    turnsReused: r.turnsReused ?? 0,
    reusedUsd: (r.reusedMicros ?? 0) / 1_000_000,
  };
}

/** A step row's spend columns as they stand, for the write that ends or parks its attempt. */
export function stepTotals(r: Pick<StepRun, 'inputTokens' | 'outputTokens' | 'cacheReadTokens' | 'cacheWriteTokens' | 'costMicros' | 'pricingKnown'>) {
  return {
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    cacheReadTokens: r.cacheReadTokens,
    cacheWriteTokens: r.cacheWriteTokens,
    costMicros: r.costMicros,
    pricingKnown: r.pricingKnown,
  };
}

/** Read model of a run with the latest attempt of each of its steps. */
export function toRunView(run: WorkflowRun, steps: StepRun[], now: number = Date.now()): WorkflowRunView {
  return {
    id: run.id,
    workflowId: run.workflowId,
    runNumber: run.runNumber,
    status: run.status as RunStatus,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt ?? null,
    steps: latestOnly(steps).map((s) => toStepRunView(s, now)),
    inputTokens: run.inputTokens,
    outputTokens: run.outputTokens,
    costUsd: run.costMicros / 1_000_000,
    costEstimate: run.costEstimate ?? null,
    failureCategory: (run.failureCategory as FailureCategory | null) ?? null,
    error: run.error ?? null,
    pricingKnown: run.pricingKnown,
    resumeAt: run.resumeAt ?? null,
    reusedUsd: (run.reusedMicros ?? 0) / 1_000_000,
    instanceId: run.status === 'RUNNING' ? (run.ownerId ?? null) : null,
    resumeCount: run.resumeCount ?? 0,
  };
}
