import type { WorkflowRun } from '../db/entities/workflow-run.entity.js';
import { WorkflowRunSchema } from '../db/entities/workflow-run.entity.js';
import { StepRunSchema } from '../db/entities/step-run.entity.js';
import { ledgerCostOfStepRunMicros } from '../db/ledger-store.js';
import { latestJournalTurn } from '../db/tool-call-store.js';
import { incrementRow, updateRows } from '../db/direct-sql.js';
import type { UnitOfWork } from '../db/unit-of-work.js';
import type { EngineResources } from '../resources.js';
import { transitionTaskRow } from '../tasks/task-store.js';
import { formatUsd } from '../format/index.js';
import { crashExplanation, crashRun, LEASE_DURATION_MS } from './leases.js';
import { latestStepRows, toStepRunView, transitionStepRow } from './run-store.js';

/**
 * Takes over a RUNNING run whose driver died (its lease lapsed or its process is gone): this
 * instance becomes its owner and drives it on. Each step that was running stops PAUSED where its
 * journal stands and goes on from its last completed turn, so only the model call that was in
 * flight is paid again. A run taken over `maxTakeOvers` times already ends CRASHED instead: a
 * run that kills every instance that drives it must not go round for ever.
 *
 * `run` is the row as the caller read it (RUNNING and dead); the claim, or the end CRASHED, holds
 * only if the row is still that. Returns whether this instance now drives it.
 */
export async function takeOverRun(uow: UnitOfWork, resources: EngineResources, run: WorkflowRun, maxTakeOvers: number, now: number): Promise<boolean> {
  const taken = run.resumeCount ?? 0;
  // The row must still be as the sweep read it: resumeCount is the claim's version (of two instances
  // taking the same run over, one matches), and an owner or lease written since means a driver took
  // the run (its queued job) or renewed its lease after the read: it is alive, and keeps the run.
  const asRead = { id: run.id, resumeCount: taken, ownerId: run.ownerId ?? null, leaseExpiresAt: run.leaseExpiresAt ?? null };
  if (taken >= maxTakeOvers) {
    if ((await updateRows(uow.sql, WorkflowRunSchema, asRead, { updatedAt: now })) === 0) return false;
    await crashRun(uow, run, now, resources.telemetry);
    return false;
  }
  const why = crashExplanation(run, now).run;
  const claimed = await updateRows(uow.sql, WorkflowRunSchema, asRead, {
    ownerId: resources.ownerId,
    leaseExpiresAt: now + LEASE_DURATION_MS,
    heartbeatAt: now,
    resumeCount: taken + 1,
    updatedAt: now,
  });
  if (claimed === 0) return false;
  for (const step of await latestStepRows(uow, run.id)) {
    if (step.status !== 'RUNNING') continue;
    const error = `Its driver stopped; taken over by ${resources.ownerId}.`;
    if (step.taskId) await transitionTaskRow(uow.sql, step.taskId, 'RUNNING', 'FAILED', { error, failureCategory: 'CRASHED', finishedAt: now });
    // The task runner of the new driver starts the step again from its journal (PAUSED → RUNNING).
    // A resumed attempt reads its predecessor's journal until it has written its own.
    const turnsReused = (await latestJournalTurn(uow.sql, step.id)) || (step.resumedFromId ? await latestJournalTurn(uow.sql, step.resumedFromId) : 0);
    // What its finished turns cost, from the ledger: this attempt's calls plus what it had reused itself.
    const reusedMicros = turnsReused > 0 ? (step.reusedMicros ?? 0) + (await ledgerCostOfStepRunMicros(uow.sql, step.id)) : (step.reusedMicros ?? 0);
    await transitionStepRow(uow.sql, step, 'PAUSED', { currentTool: null }, now);
    await updateRows(uow.sql, StepRunSchema, { id: step.id }, { turnsReused, reusedMicros, updatedAt: now });
    await incrementRow(uow.sql, WorkflowRunSchema, run.id, { reusedMicros: reusedMicros - (step.reusedMicros ?? 0) }, { updatedAt: now });
    uow.emit({
      kind: 'STEP_RESUMED',
      workflowId: run.workflowId,
      runId: run.id,
      stepId: step.stepId,
      message:
        turnsReused > 0
          ? `Step "${step.name}" goes on at turn ${turnsReused + 1} under a new driver: ${formatUsd(reusedMicros / 1e6)} of earlier work reused.`
          : `Step "${step.name}" starts again under a new driver: no turn of it had completed.`,
      step: toStepRunView({ ...step, status: 'PAUSED', turnsReused, reusedMicros }),
      data: { turnsReused, reusedUsd: reusedMicros / 1e6, takeOver: taken + 1 },
    });
  }
  uow.emit({
    kind: 'RUN_STARTED',
    workflowId: run.workflowId,
    runId: run.id,
    message: `Run ${run.runNumber} taken over by ${resources.ownerId} (take-over ${taken + 1} of at most ${maxTakeOvers}): ${why}`,
    data: { takeOver: taken + 1, previousOwner: run.ownerId ?? null },
  });
  return true;
}
