import { enqueueDrive, installRunQueue, startRunQueueWorker, type DriveJob, type RunQueueWorker } from '../db/run-queue.js';
import { NotApplicableError } from '../errors.js';
import type { EngineResources } from '../resources.js';

/** How an engine takes part in a deployment of several instances on one PostgreSQL (`Engine.open({ scaleOut })`). */
export interface ScaleOutOptions {
  /** Drive jobs a worker instance takes at once (STAGENT_WORKER_CONCURRENCY): runs driven here in parallel. */
  concurrency: number;
  /** How often the queue is polled besides LISTEN/NOTIFY, ms (default 2,000). */
  pollIntervalMs?: number;
}

/**
 * Installs the run queue in the PostgreSQL database and makes claims enqueue their runs there
 * (`resources.runQueue`). SQLite is refused: its file belongs to one process, whose claims drive
 * their runs themselves.
 */
export async function openRunQueue(resources: EngineResources, databaseUrl: string | undefined): Promise<void> {
  if (!databaseUrl)
    throw new NotApplicableError(
      'Several instances (a role other than all, or a run queue) need PostgreSQL: set STAGENT_DATABASE_URL, or run one instance with STAGENT_ROLE=all on SQLite.',
    );
  await installRunQueue(databaseUrl, resources.logger);
  resources.runQueue = { enqueue: enqueueDrive };
}

/** Starts taking drive jobs; `drive` drives one run and resolves once it is no longer driven here. */
export function startQueueWorker(
  resources: EngineResources,
  databaseUrl: string,
  options: ScaleOutOptions,
  drive: (job: DriveJob) => Promise<void>,
): Promise<RunQueueWorker> {
  return startRunQueueWorker({
    connectionString: databaseUrl,
    concurrency: options.concurrency,
    pollIntervalMs: options.pollIntervalMs,
    logger: resources.logger,
    drive,
  });
}
