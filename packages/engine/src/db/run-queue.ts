import { Logger as WorkerLogger, run, runMigrations, type Runner } from 'graphile-worker';
import type { EngineResources, Logger } from '../resources.js';
import { withSqlExecutor, type SqlExecutor } from './sql-executor.js';

/**
 * The PostgreSQL job queue that hands claimed runs to worker instances (graphile-worker 0.17, in
 * its own `graphile_worker` schema of our database). A claim enqueues its run's job with
 * `graphile_worker.add_job` in the claim's own transaction, so a run is never claimed without
 * its job; the job key is the run, so a claim repeated before a worker took the job replaces it
 * instead of adding a second. Ownership stays on our own leases: a SIGKILLed worker leaves its
 * job locked for hours, and the recovery sweep of a live worker takes its runs over instead.
 */
export const DRIVE_TASK = 'stagent_drive';

/** What a drive job carries. */
export interface DriveJob {
  runId: string;
  workflowId: string;
}

/** graphile-worker's messages through our logger: warnings and errors only (its info lines are per job). */
function workerLogger(logger: Logger): WorkerLogger {
  return new WorkerLogger(() => (level, message) => {
    if (level === 'error') logger.error(`job queue: ${message}`);
    else if (level === 'warning') logger.warn(`job queue: ${message}`);
  });
}

/** Installs or upgrades the queue's schema (idempotent; graphile-worker serialises concurrent callers). */
export async function installRunQueue(connectionString: string, logger: Logger): Promise<void> {
  await runMigrations({ connectionString, logger: workerLogger(logger) });
}

/** Enqueues the drive job of a run in the caller's transaction. */
export async function enqueueDrive(sql: SqlExecutor, job: DriveJob): Promise<void> {
  // max_attempts 1: a drive job that fails is not retried by the queue; the run's lease decides what happens next.
  await sql.get('select 1 as queued from graphile_worker.add_job(?, ?::json, job_key := ?, max_attempts := 1)', [
    DRIVE_TASK,
    JSON.stringify(job),
    `run:${job.runId}`,
  ]);
}

/**
 * Whether a run's drive job is still on its way to a driver: not taken yet (runs queue up behind
 * busy workers, however long their lease has lapsed), or taken less than `graceMs` ago by a
 * worker that is about to write itself in as the run's driver. A job taken longer ago by a worker
 * that never became the driver was lost with that worker (a SIGKILLed worker leaves it locked).
 */
export async function driveJobPending(sql: SqlExecutor, runId: string, graceMs: number): Promise<boolean> {
  // locked_at is the database's clock, so the comparison is too.
  const row = await sql.get(
    "select count(*) as pending from graphile_worker.jobs where key = ? and (locked_at is null or locked_at > now() - ? * interval '1 millisecond')",
    [`run:${runId}`, graceMs],
  );
  return Number(row?.pending ?? 0) > 0;
}

/**
 * Runs waiting in the queue for a worker (drive jobs not taken, not given up), for the API's
 * `stagent_queued_runs` gauge; null when the engine is not scaled out (no queue). Takes the
 * engine itself (its `resources`), so the facade needs no method for one metric.
 */
export async function queuedRunCount(engine: { resources: Pick<EngineResources, 'orm' | 'runQueue'> }): Promise<number | null> {
  if (!engine.resources.runQueue) return null;
  const row = await withSqlExecutor(engine.resources.orm, (sql) =>
    sql.get('select count(*) as queued from graphile_worker.jobs where task_identifier = ? and locked_at is null and attempts < max_attempts', [DRIVE_TASK]),
  );
  return Number(row?.queued ?? 0);
}

/** A running consumer of drive jobs. */
export interface RunQueueWorker {
  stop(): Promise<void>;
}

/**
 * Takes drive jobs with at most `concurrency` at once and hands each to `drive`, which resolves
 * when the run has stopped being driven here (finished, parked, or lost). LISTEN/NOTIFY wakes it
 * within milliseconds of a commit; `pollIntervalMs` is the fallback.
 */
export async function startRunQueueWorker(options: {
  connectionString: string;
  concurrency: number;
  logger: Logger;
  pollIntervalMs?: number;
  drive: (job: DriveJob) => Promise<void>;
}): Promise<RunQueueWorker> {
  const runner: Runner = await run({
    connectionString: options.connectionString,
    concurrency: options.concurrency,
    noHandleSignals: true,
    pollInterval: options.pollIntervalMs ?? 2000,
    logger: workerLogger(options.logger),
    taskList: {
      [DRIVE_TASK]: async (payload) => {
        const job = payload as DriveJob;
        // Never throw: a failed drive is the run's business (its lease, its status), not the queue's.
        await options.drive(job).catch((error) => options.logger.error('drive job failed', { runId: job.runId, error: String(error) }));
      },
    },
  });
  return { stop: () => runner.stop() };
}
