import { reportRunEnded } from './run-telemetry.js';
import type { EngineTelemetry } from '../observability/telemetry.js';
import { hostname } from 'node:os';
import type { WorkflowRun } from '../db/entities/workflow-run.entity.js';
import { renewRunLease, runningRuns } from '../db/run-rows.js';
import { inTransaction, type UnitOfWork } from '../db/unit-of-work.js';
import type { EngineResources } from '../resources.js';
import { closeOpenSteps } from './run-executor.js';
import { latestStepRows, mirrorRunOnWorkflow, transitionRunRow } from './run-store.js';

/**
 * How long a lease lasts without a heartbeat, ms: how soon a dead driver's runs are taken over or
 * marked CRASHED (the recovery sweep runs as often). 60 s unless STAGENT_LEASE_MS (5,000-600,000)
 * says otherwise: an operator's trade of detection time against heartbeat writes, and what lets a
 * multi-process test see a take-over in seconds. Read once, when the engine loads.
 */
export const LEASE_DURATION_MS = leaseDurationFromEnv(process.env.STAGENT_LEASE_MS);
/** How often a live run's lease is renewed, ms: four heartbeats per lease. */
export const HEARTBEAT_INTERVAL_MS = LEASE_DURATION_MS / 4;

function leaseDurationFromEnv(raw: string | undefined): number {
  const value = Number(raw);
  return raw && Number.isInteger(value) && value >= 5_000 && value <= 600_000 ? value : 60_000;
}

/** A lease owner id for this process: `host:pid:random`. */
export function newOwnerId(): string {
  return `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
}

/** Whether the owner is a process on this host that no longer exists (so its lease is dead now). */
export function ownerIsGone(ownerId: string | null | undefined): boolean {
  if (!ownerId) return true;
  const [host, pid] = ownerId.split(':');
  if (host !== hostname() || !pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Whether a RUNNING run is still alive: lease not expired and owner not known to be gone. A run
 * with a lease and no owner waits in the run queue for a worker: alive until its lease lapses.
 */
export function leaseIsLive(run: Pick<WorkflowRun, 'status' | 'leaseExpiresAt' | 'ownerId'>, now: number): boolean {
  return run.status === 'RUNNING' && (run.leaseExpiresAt ?? 0) > now && (!run.ownerId || !ownerIsGone(run.ownerId));
}

/**
 * Why a run counts as crashed, in words that are true when recovery finds it at `now`: either its
 * owner is known to have exited while its lease still ran (a process on this host whose pid is
 * gone), or the lease ran out without a heartbeat. `run` is the run's error and RUN_FAILED
 * message, `step` the error of each step that was running.
 */
export function crashExplanation(run: Pick<WorkflowRun, 'ownerId' | 'leaseExpiresAt'>, now: number): { run: string; step: string } {
  const owner = run.ownerId ?? 'unknown';
  const at = (ms: number) => new Date(ms).toISOString();
  if (run.leaseExpiresAt !== null && run.leaseExpiresAt !== undefined && run.leaseExpiresAt > now) {
    return {
      run: `The process running this run (${owner}) exited without finishing it (found at ${at(now)}; its lease would have lasted until ${at(run.leaseExpiresAt)}).`,
      step: 'The process running this step exited without finishing it.',
    };
  }
  const lapsed =
    run.leaseExpiresAt === null || run.leaseExpiresAt === undefined
      ? 'held no lease'
      : `stopped renewing its lease, which expired at ${at(run.leaseExpiresAt)}`;
  return {
    run: `The process running this run (${owner}) ${lapsed} (found at ${at(now)}).`,
    step: 'The process running this step stopped renewing its lease.',
  };
}

/**
 * Marks a RUNNING run whose owner is gone as FAILED / CRASHED: its running steps fail with
 * CRASHED (their tasks too), pending ones are skipped, completed outputs stay for a retry.
 */
export async function crashRun(uow: UnitOfWork, run: WorkflowRun, now: number, telemetry?: EngineTelemetry): Promise<void> {
  const steps = await latestStepRows(uow, run.id);
  const explanation = crashExplanation(run, now);
  await closeOpenSteps(uow, steps, 'SKIPPED', now, run.workflowId, { error: explanation.step, category: 'CRASHED' });
  const error = explanation.run;
  await transitionRunRow(uow, run.id, ['RUNNING'], 'FAILED', {
    finishedAt: now,
    failureCategory: 'CRASHED',
    error,
    ownerId: null,
    leaseExpiresAt: null,
    updatedAt: now,
  });
  await mirrorRunOnWorkflow(uow, run.workflowId, run.id, 'FAILED', now);
  uow.emit({ kind: 'RUN_FAILED', workflowId: run.workflowId, runId: run.id, message: error, data: { category: 'CRASHED' } });
  // Reported from inside the sweep's transaction: a sweep that rolls back is retried and reports again, which is rare and harmless.
  reportRunEnded(telemetry, run, 'FAILED', 'CRASHED', now);
}

/** Renews leases of the runs this process executes; reports runs whose lease it lost. */
export async function heartbeat(resources: EngineResources, runIds: string[]): Promise<string[]> {
  const now = resources.clock.now();
  const lost: string[] = [];
  for (const id of runIds) if (!(await renewRunLease(resources, id, resources.ownerId, now, now + LEASE_DURATION_MS))) lost.push(id);
  return lost;
}

/** Start-up (and periodic) recovery: every RUNNING run whose lease is dead becomes FAILED / CRASHED. */
export async function recoverCrashedRuns(resources: EngineResources): Promise<string[]> {
  const now = resources.clock.now();
  const running = await runningRuns(resources);
  const crashed: string[] = [];
  for (const run of running) {
    if (run.ownerId === resources.ownerId || leaseIsLive(run, now)) continue;
    await inTransaction(resources, (uow) => crashRun(uow, run, now, resources.telemetry)).catch((error) =>
      resources.logger.warn('recovery skipped a run', { runId: run.id, error: String(error) }),
    );
    crashed.push(run.id);
  }
  return crashed;
}
