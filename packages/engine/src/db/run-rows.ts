import type { RequiredEntityData } from '@mikro-orm/core';
import { StepRunSchema, type StepRun } from './entities/step-run.entity.js';
import { WorkflowRunSchema, type WorkflowRun } from './entities/workflow-run.entity.js';
import { WorkflowSchema, type Workflow } from './entities/workflow.entity.js';
import type { EngineResources } from '../resources.js';
import type { UnitOfWork } from './unit-of-work.js';

// Rows of runs and their step attempts, for claims, the executor, leases and run control.
// Every read returns the row as stored now (no identity map: a cached entity would hide a
// concurrent writer's change). Status columns change only through the transition functions
// (`workflows/run-store.ts` over `transitionStatus`).

/** Inside a unit of work, its transaction; otherwise a read of its own. */
type Reader = UnitOfWork | Pick<EngineResources, 'orm'>;
const emOf = (reader: Reader) => ('em' in reader ? reader.em : reader.orm.em.fork());

export function findRun(reader: Reader, id: string): Promise<WorkflowRun | null> {
  return emOf(reader).findOne(WorkflowRunSchema, { id }, { disableIdentityMap: true });
}

/** The run; throws when it does not exist (callers hold its id from a row they just read). */
export function getRun(reader: Reader, id: string): Promise<WorkflowRun> {
  return emOf(reader).findOneOrFail(WorkflowRunSchema, { id }, { disableIdentityMap: true });
}

/** The workflow as stored now; throws when it does not exist. */
export function getWorkflow(reader: Reader, id: string): Promise<Workflow> {
  return emOf(reader).findOneOrFail(WorkflowSchema, { id }, { disableIdentityMap: true });
}

/** The workflow as stored now, or null. */
export function findWorkflow(reader: Reader, id: string): Promise<Workflow | null> {
  return emOf(reader).findOne(WorkflowSchema, { id }, { disableIdentityMap: true });
}

/** A run's id and status, for a transition's check. */
export function findRunStatus(uow: UnitOfWork, id: string): Promise<Pick<WorkflowRun, 'id' | 'status'> | null> {
  return uow.em.findOne(WorkflowRunSchema, { id }, { fields: ['id', 'status'], disableIdentityMap: true });
}

/** A workflow's id and status when it still matches `expect` (a claim's version, a run's latestRunId). */
export function findWorkflowStatus(
  uow: UnitOfWork,
  id: string,
  expect: { version: number } | { latestRunId: string },
): Promise<Pick<Workflow, 'id' | 'status'> | null> {
  return uow.em.findOne(WorkflowSchema, { id, ...expect }, { fields: ['id', 'status'], disableIdentityMap: true });
}

/** Every attempt of every (step, iteration) of a run, in step order, then iteration, then attempt. */
export function stepAttemptsOf(reader: Reader, runId: string): Promise<StepRun[]> {
  return emOf(reader).find(StepRunSchema, { runId }, { orderBy: { stepIndex: 'asc', iteration: 'asc', attempt: 'asc' }, disableIdentityMap: true });
}

/** Inserts a claimed run (its first status is the claim's). */
export async function insertRun(uow: UnitOfWork, row: RequiredEntityData<WorkflowRun>): Promise<void> {
  await uow.em.insert(WorkflowRunSchema, row as WorkflowRun);
}

/** Inserts step attempts (new runs, retries) in one statement. */
export async function insertStepAttempts(uow: UnitOfWork, rows: RequiredEntityData<StepRun>[]): Promise<void> {
  if (rows.length) await uow.em.insertMany(StepRunSchema, rows as StepRun[]);
}

/** Extends the lease of a run this owner still runs; false when it is no longer RUNNING under `ownerId`. */
export async function renewRunLease(resources: Pick<EngineResources, 'orm'>, id: string, ownerId: string, now: number, expiresAt: number): Promise<boolean> {
  const renewed = await resources.orm.em
    .fork()
    .nativeUpdate(WorkflowRunSchema, { id, ownerId, status: 'RUNNING' }, { heartbeatAt: now, leaseExpiresAt: expiresAt });
  return renewed > 0;
}

/**
 * Makes `ownerId` the driver of a RUNNING run that has none (it waited in the run queue) or whose
 * driver's lease lapsed; false when another instance drives it.
 */
export async function takeRunDriver(resources: Pick<EngineResources, 'orm'>, id: string, ownerId: string, now: number, expiresAt: number): Promise<boolean> {
  const taken = await resources.orm.em
    .fork()
    .nativeUpdate(
      WorkflowRunSchema,
      { id, status: 'RUNNING', $or: [{ ownerId: null }, { ownerId }, { leaseExpiresAt: { $lt: now } }] },
      { ownerId, heartbeatAt: now, leaseExpiresAt: expiresAt },
    );
  return taken > 0;
}

/** Every RUNNING run (the recovery sweep checks their leases). */
export function runningRuns(resources: Pick<EngineResources, 'orm'>): Promise<WorkflowRun[]> {
  return resources.orm.em.fork().find(WorkflowRunSchema, { status: 'RUNNING' }, { disableIdentityMap: true });
}

/** PAUSED runs whose delay is over at `now`. */
export function dueDelayedRuns(resources: Pick<EngineResources, 'orm'>, now: number): Promise<WorkflowRun[]> {
  return resources.orm.em.fork().find(WorkflowRunSchema, { status: 'PAUSED', resumeAt: { $lte: now } }, { disableIdentityMap: true });
}
