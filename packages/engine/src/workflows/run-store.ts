import type { EntityManager } from '@mikro-orm/better-sqlite';
import { StepRunSchema, type StepRun } from '../db/entities/step-run.entity.js';
import { WorkflowRunSchema, type WorkflowRun } from '../db/entities/workflow-run.entity.js';
import { ConflictError } from '../errors.js';
import { updateRows } from '../db/direct-sql.js';
import type { SqlExecutor } from '../db/sql-executor.js';
import type { FailureCategory } from '../runtimes/failure-category.js';
import type { StepRunView, WorkflowRunView } from './read-models.js';
import { transitionRun, type RunStatus } from './run-state.js';
import { transitionStep, type StepStatus } from './step-state.js';

/**
 * The only place that writes `status` on runs and step runs. Every write is a compare-and-set
 * naming the status it expects; zero affected rows is a {@link ConflictError}, never overwritten.
 */

/** Moves a step run from `from` to `to` (checked against the step transition table) with extra columns. */
export async function transitionStepRow(sql: SqlExecutor, row: Pick<StepRun, 'id' | 'status'>, to: StepStatus, changes: Partial<StepRun> = {}, now?: number): Promise<void> {
  transitionStep(row.status as StepStatus, to);
  const affected = await updateRows(sql, StepRunSchema, { id: row.id, status: row.status }, { ...changes, status: to, ...(now !== undefined ? { updatedAt: now } : {}) });
  if (affected === 0) throw new ConflictError(`Step run ${row.id} is no longer ${row.status}.`);
  (row as { status: string }).status = to;
}

/** Moves a run from one of `from` to `to` with extra columns; returns the status it left. */
export async function transitionRunRow(em: EntityManager, runId: string, from: readonly RunStatus[], to: RunStatus, changes: Partial<WorkflowRun> = {}): Promise<RunStatus> {
  const current = await em.findOne(WorkflowRunSchema, { id: runId }, { fields: ['id', 'status'], disableIdentityMap: true });
  if (!current || !from.includes(current.status as RunStatus)) throw new ConflictError(`Run ${runId} is ${current?.status ?? 'missing'}, not ${from.join(' or ')}.`);
  transitionRun(current.status as RunStatus, to);
  const affected = await em.nativeUpdate(WorkflowRunSchema, { id: runId, status: current.status }, { ...changes, status: to });
  if (affected === 0) throw new ConflictError(`Run ${runId} changed while moving to ${to}.`);
  return current.status as RunStatus;
}

/** The latest attempt of every (step, iteration) of a run, in step order then iteration. */
export async function latestStepRows(em: EntityManager, runId: string): Promise<StepRun[]> {
  const rows = await em.find(StepRunSchema, { runId }, { orderBy: { stepIndex: 'asc', iteration: 'asc', attempt: 'asc' }, disableIdentityMap: true });
  return latestOnly(rows);
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
  };
}
