import type { Workflow } from '../db/entities/workflow.entity.js';
import { findRun, findWorkflow, getRun, getWorkflow, insertRun, insertStepAttempts } from '../db/run-rows.js';
import { incrementRow } from '../db/direct-sql.js';
import { WorkflowRunSchema } from '../db/entities/workflow-run.entity.js';
import { ledgerCostOfStepRunMicros } from '../db/ledger-store.js';
import { ConflictError, NotApplicableError, WorkflowNotFoundError } from '../errors.js';
import { inTransaction, type UnitOfWork } from '../db/unit-of-work.js';
import { newId } from '../ids.js';
import type { EngineResources } from '../resources.js';
import type { CostEstimate } from '../budget/cost-estimate-types.js';
import { crashRun, leaseIsLive, LEASE_DURATION_MS } from './leases.js';
import {
  latestStepRows,
  mirrorRunOnWorkflow,
  pendingStepFields,
  toStepRunView,
  transitionRunRow,
  transitionStepRow,
  transitionWorkflowRow,
} from './run-store.js';
import type { RunStatus } from './run-state.js';
import { STARTABLE_WORKFLOW_STATUSES, type WorkflowStatus } from './workflow-state.js';
import type { RunFinished } from './run-executor.js';
import { formatUsd } from '../format/index.js';

/**
 * Every way a run starts goes through {@link claimWorkflow}: one compare-and-set on the
 * workflow's `version` (read it, decide, write only if it is still the version read) in the transaction that
 * writes the run, moving the workflow to ACTIVE through its transition table. A concurrent
 * second claim affects zero rows and gets CONFLICT.
 */
async function claimWorkflow(uow: UnitOfWork, wf: Workflow, changes: Partial<Workflow>, now: number): Promise<void> {
  const claimed = await transitionWorkflowRow(uow, wf.id, 'ACTIVE', { version: wf.version }, { ...changes, version: wf.version + 1, updatedAt: now });
  if (!claimed) throw new ConflictError(`Workflow "${wf.name}" was started or changed by someone else just now; reload it.`, ['id']);
}

/**
 * Who drives a claimed run. Alone, this process: it owns the lease. Scaled out, the worker that
 * takes its job, enqueued here in the claim's transaction: until then the run has no owner and a
 * lease that a worker's recovery sweep treats like a dead driver's once it lapses.
 */
async function driverOf(uow: UnitOfWork, resources: EngineResources, job: { runId: string; workflowId: string }, now: number) {
  const leaseExpiresAt = now + LEASE_DURATION_MS;
  if (!resources.runQueue) return { ownerId: resources.ownerId, heartbeatAt: now, leaseExpiresAt };
  await resources.runQueue.enqueue(uow.sql, job);
  return { ownerId: null, heartbeatAt: now, leaseExpiresAt };
}

/** Claims a new run of a workflow (first run, re-run, or re-run after a crash). Returns the run id. */
export async function claimNewRun(resources: EngineResources, workflowId: string, estimate: CostEstimate, perStepBudget: Map<string, number>): Promise<string> {
  const now = resources.clock.now();
  return inTransaction(resources, async (uow) => {
    const wf = await findWorkflow(uow, workflowId);
    if (!wf) throw new WorkflowNotFoundError(workflowId);
    const status = wf.status as WorkflowStatus;
    if (status === 'PAUSED') throw new ConflictError(`Workflow "${wf.name}" has a run waiting for approval or a delay; resolve or cancel it first.`, ['id']);
    if (status === 'ACTIVE') {
      const latest = wf.latestRunId ? await findRun(uow, wf.latestRunId) : null;
      if (latest && leaseIsLive(latest, now))
        throw new ConflictError(`Workflow "${wf.name}" is already running (run ${latest.runNumber}); cancel it or wait for it to finish.`, ['id']);
      if (latest?.status === 'RUNNING') await crashRun(uow, latest, now, resources.telemetry);
    } else if (!STARTABLE_WORKFLOW_STATUSES.includes(status)) {
      throw new ConflictError(`Workflow "${wf.name}" cannot start from ${status}.`, ['id']);
    }
    const runId = newId();
    const runNumber = wf.runNumber + 1;
    await claimWorkflow(uow, wf, { runNumber, latestRunId: runId }, now);
    await insertRun(uow, {
      id: runId,
      createdAt: now,
      updatedAt: now,
      workflowId,
      runNumber,
      status: 'RUNNING',
      definition: wf.definition,
      startedAt: now,
      costEstimate: estimate,
      inputTokens: 0,
      outputTokens: 0,
      costMicros: 0,
      pricingKnown: true,
      ...(await driverOf(uow, resources, { runId, workflowId }, now)),
    });
    if (wf.definition.pattern !== 'LOOP') {
      await insertStepAttempts(
        uow,
        wf.definition.steps.map((s, stepIndex) => ({
          id: newId(),
          createdAt: now,
          updatedAt: now,
          runId,
          workflowId,
          stepId: s.id,
          stepIndex,
          iteration: 0,
          attempt: 1,
          name: s.name,
          ...pendingStepFields(perStepBudget.get(s.id) ?? 0),
        })),
      );
    }
    uow.emit({
      kind: 'RUN_STARTED',
      workflowId,
      runId,
      message: `Run ${runNumber} started (${wf.definition.pattern}, ${wf.definition.steps.length} steps); estimate ${formatUsd(estimate.totalUsd)} against caps of ${formatUsd(estimate.budgetUsd)}.`,
      costUsd: estimate.totalUsd,
      data: { estimate },
    });
    return runId;
  });
}

/**
 * Re-opens a FAILED run to retry one failed step: that step and every step not completed get
 * a new PENDING attempt; completed steps keep their outputs and are not run again.
 */
export async function claimRetry(
  resources: EngineResources,
  workflowId: string,
  stepId: string,
  perStepBudget: Map<string, number>,
  onReopen: (info: RunFinished) => Promise<void> = async () => {},
  /** A resume (not a retry): the failed attempt whose journal the new attempt goes on from, and how many turns that keeps. */
  resume?: { resumeFrom: string; turnsReused: number },
): Promise<string> {
  const now = resources.clock.now();
  return inTransaction(resources, async (uow) => {
    const wf = await findWorkflow(uow, workflowId);
    if (!wf) throw new WorkflowNotFoundError(workflowId, ['workflowId']);
    if (!wf.latestRunId) throw new NotApplicableError(`Workflow "${wf.name}" has not run yet; execute it instead.`, ['workflowId']);
    if (!wf.definition.steps.some((s) => s.id === stepId)) throw new NotApplicableError(`Workflow "${wf.name}" has no step "${stepId}".`, ['stepId']);
    const run = await getRun(uow, wf.latestRunId);
    if (run.status !== 'FAILED') throw new ConflictError(`Run ${run.runNumber} is ${run.status}; only a failed run can retry a step.`, ['workflowId']);
    const rows = await latestStepRows(uow, run.id);
    const target = rows.filter((r) => r.stepId === stepId).at(-1);
    if (!target || target.status !== 'FAILED')
      throw new NotApplicableError(`Step "${stepId}" did not fail in run ${run.runNumber} (it is ${target?.status ?? 'not started'}); retry a failed step.`, [
        'stepId',
      ]);
    await onReopen({
      sql: uow.sql,
      workflowId,
      runId: run.id,
      definition: run.definition,
      status: 'FAILED',
      failureCategory: run.failureCategory ?? null,
      steps: rows,
      durationMs: (run.finishedAt ?? now) - run.startedAt,
      now,
    });
    await claimWorkflow(uow, wf, {}, now);
    await transitionRunRow(uow, run.id, ['FAILED'], 'RUNNING', {
      finishedAt: null,
      failureCategory: null,
      error: null,
      updatedAt: now,
      ...(await driverOf(uow, resources, { runId: run.id, workflowId }, now)),
    });
    const reopen = rows.filter((r) => r.status !== 'COMPLETED');
    // What the run keeps instead of paying again: its completed steps, and (a resume) the journaled turns of the failed attempt.
    const resumedMicros = resume ? await ledgerCostOfStepRunMicros(uow.sql, resume.resumeFrom) : 0;
    const keptMicros = rows.filter((r) => r.status === 'COMPLETED').reduce((sum, r) => sum + r.costMicros, 0) + resumedMicros;
    if (keptMicros) await incrementRow(uow.sql, WorkflowRunSchema, run.id, { reusedMicros: keptMicros }, { updatedAt: now });
    if (reopen.length) {
      await insertStepAttempts(
        uow,
        reopen.map((r) => ({
          id: newId(),
          createdAt: now,
          updatedAt: now,
          runId: run.id,
          workflowId,
          stepId: r.stepId,
          stepIndex: r.stepIndex,
          iteration: r.iteration,
          attempt: r.attempt + 1,
          name: r.name,
          ...pendingStepFields(perStepBudget.get(r.stepId) ?? r.budgetUsd),
          approvedAt: r.approvedAt ?? null,
          ...(resume && r.id === target.id ? { resumedFromId: resume.resumeFrom, turnsReused: resume.turnsReused, reusedMicros: resumedMicros } : {}),
        })),
      );
    }
    uow.emit({
      kind: 'RUN_STARTED',
      workflowId,
      runId: run.id,
      stepId,
      message: resume
        ? `Run ${run.runNumber} resumed: step "${target.name}" goes on from turn ${resume.turnsReused} of attempt ${target.attempt} (${formatUsd(resumedMicros / 1e6)} of earlier work reused); ${rows.length - reopen.length} completed step(s) are reused.`
        : `Run ${run.runNumber} resumed to retry step "${target.name}" (attempt ${target.attempt + 1}); ${rows.length - reopen.length} completed step(s) are reused.`,
      data: resume ? { resumeOf: stepId, turnsReused: resume.turnsReused, reusedUsd: resumedMicros / 1e6 } : { retryOf: stepId },
    });
    return run.id;
  });
}

/** Resumes a parked run (delay over, or checkpoint approved) in this process. */
export async function claimResume(uow: UnitOfWork, resources: EngineResources, runId: string, from: RunStatus, message: string): Promise<void> {
  const now = resources.clock.now();
  const run = await getRun(uow, runId);
  const wf = await getWorkflow(uow, run.workflowId);
  await transitionRunRow(uow, runId, [from], 'RUNNING', {
    resumeAt: null,
    updatedAt: now,
    ...(await driverOf(uow, resources, { runId, workflowId: run.workflowId }, now)),
  });
  await claimWorkflow(uow, wf, {}, now);
  uow.emit({ kind: 'RUN_STARTED', workflowId: run.workflowId, runId, message });
}

/** Records a checkpoint decision: approve re-opens the step for the run to continue; reject cancels the run. */
export async function decideCheckpoint(
  resources: EngineResources,
  workflowId: string,
  stepId: string,
  approved: boolean,
  comment: string | null,
): Promise<{ runId: string; resumed: boolean }> {
  const now = resources.clock.now();
  return inTransaction(resources, async (uow) => {
    const wf = await findWorkflow(uow, workflowId);
    if (!wf) throw new WorkflowNotFoundError(workflowId, ['workflowId']);
    const run = wf.latestRunId ? await findRun(uow, wf.latestRunId) : null;
    if (!run || run.status !== 'WAITING_APPROVAL') throw new NotApplicableError(`Workflow "${wf.name}" has no run waiting for approval.`, ['workflowId']);
    const row = (await latestStepRows(uow, run.id)).find((r) => r.stepId === stepId);
    if (!row || row.status !== 'WAITING_APPROVAL') throw new NotApplicableError(`Step "${stepId}" is not waiting for approval.`, ['stepId']);
    // A step that ran and stopped for its tool calls (it has a task) waits for those, not for a checkpoint.
    if (row.taskId)
      throw new NotApplicableError(`Step "${row.name}" waits for approval of tool calls, not at a checkpoint; approve or deny them with resolveToolCall.`, [
        'stepId',
      ]);
    if (approved) {
      await transitionStepRow(uow.sql, row, 'PENDING', { approvedAt: now, approvalComment: comment }, now);
      await claimResume(uow, resources, run.id, 'WAITING_APPROVAL', `Checkpoint before "${row.name}" approved${comment ? `: ${comment}` : '.'}`);
      return { runId: run.id, resumed: true };
    }
    const error = `Rejected at the checkpoint before "${row.name}"${comment ? `: ${comment}` : '.'}`;
    await transitionStepRow(uow.sql, row, 'CANCELLED', { error, approvalComment: comment, finishedAt: now }, now);
    uow.emit({ kind: 'STEP_CANCELLED', workflowId, runId: run.id, stepId, message: error, step: toStepRunView({ ...row, error }) });
    for (const r of await latestStepRows(uow, run.id)) if (r.status === 'PENDING') await transitionStepRow(uow.sql, r, 'CANCELLED', {}, now);
    await transitionRunRow(uow, run.id, ['WAITING_APPROVAL'], 'CANCELLED', { finishedAt: now, failureCategory: 'CANCELLED', error, updatedAt: now });
    await mirrorRunOnWorkflow(uow, workflowId, run.id, 'CANCELLED', now);
    uow.emit({ kind: 'RUN_CANCELLED', workflowId, runId: run.id, message: error });
    return { runId: run.id, resumed: false };
  });
}
