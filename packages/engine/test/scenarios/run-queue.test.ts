/**
 * Run dispatch across instances (issue #17, points 2 and 5): an api instance and a worker on one
 * PostgreSQL database, each with a Redis event bus on one channel, as two processes would be. A
 * claim on the api instance enqueues the run's job in its own transaction; the worker takes it and
 * drives the run; cancel, checkpoint approval and the resume of a step paused at its cap, issued
 * on the api instance, reach the run the worker drives. PostgreSQL only (scale-out refuses SQLite, tested here too); needs Redis.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createTestEngine,
  forDialect,
  redisTestsRun,
  testDialect,
  testRedisUrl,
  threeStepSequence,
  type ManualClock,
  type TestEngine,
} from '@stagent/engine/testing';
import { Engine, openRedisEventBus } from '@stagent/engine';
import { silentLogger } from '../../src/resources.js';
import { UsageLedgerSchema } from '../../src/db/entities/usage-ledger.entity.js';
import { WorkflowRunSchema, type WorkflowRun } from '../../src/db/entities/workflow-run.entity.js';
import { inTransaction } from '../../src/db/unit-of-work.js';
import { LEASE_DURATION_MS } from '../../src/workflows/leases.js';
import { takeOverRun } from '../../src/workflows/run-takeover.js';

const redis = await redisTestsRun('Run queue across instances');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Where the instances of one test meet: a data directory (its database) and a Redis channel. */
function sharedPlace(): { dir: string; namespace: string } {
  const dir = mkdtempSync(join(tmpdir(), 'stagent-run-queue-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, namespace: `test-${randomBytes(6).toString('hex')}` };
}

/** An instance in `role` at `place`, closed after the test. */
async function instanceAt(
  place: { dir: string; namespace: string },
  role: 'api' | 'worker',
  options: { simulatedLatencyMs?: number; clock?: ManualClock } = {},
) {
  const bus = await openRedisEventBus(testRedisUrl(), { namespace: place.namespace, logger: silentLogger });
  cleanups.push(() => bus.close());
  const engine = await createTestEngine({ dataDir: place.dir, bus, role, scaleOut: { concurrency: 4, pollIntervalMs: 200 }, ...options });
  cleanups.push(() => engine.close());
  return engine;
}

/** An api instance and a worker on one database and one Redis channel. */
async function apiAndWorker(workerLatencyMs = 0): Promise<{ api: TestEngine; worker: TestEngine }> {
  const place = sharedPlace();
  return { api: await instanceAt(place, 'api'), worker: await instanceAt(place, 'worker', { simulatedLatencyMs: workerLatencyMs }) };
}

/** Resolves once `done()` holds, polling every 10 ms; fails after `timeoutMs`. */
async function until(done: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

forDialect('postgres', () => {
  describe.runIf(redis)('run dispatch through the job queue', () => {
    it('a run started on the api instance is driven by the worker, which is its instance while it runs', async () => {
      const { api, worker } = await apiAndWorker();
      const wf = await api.engine.createWorkflow(threeStepSequence());
      // Who drives the run, read at each of its events.
      const owners = new Set<string | null>();
      worker.engine.resources.bus.subscribe(wf.id, (e) => void (e.runId && api.engine.getRun(e.runId).then((r) => owners.add(r?.instanceId ?? null))));
      const { run } = await api.engine.executeWorkflow(wf.id);
      expect(api.engine.executor.live.has(run.id)).toBe(false);
      // waitForRun on the api instance waits for the run another instance drives.
      const done = await api.engine.waitForRun(run.id);
      expect(done.status).toBe('COMPLETED');
      expect(done.steps.map((s) => s.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
      expect(done.instanceId).toBeNull();
      expect(owners.has(worker.engine.resources.ownerId)).toBe(true);
      expect(owners.has(api.engine.resources.ownerId)).toBe(false);
      expect(worker.engine.simulated.calls).toHaveLength(3);
      expect(api.engine.simulated.calls).toHaveLength(0);
    });

    it('cancel issued on the api instance stops the step running on the worker within 2 s', async () => {
      // The worker's simulated calls wait on its manual clock, which nobody moves: in flight until aborted.
      const { api, worker } = await apiAndWorker(60_000);
      const wf = await api.engine.createWorkflow(threeStepSequence());
      const { run } = await api.engine.executeWorkflow(wf.id);
      await until(async () => (await api.engine.getRun(run.id))?.steps[0]?.status === 'RUNNING', 'the first step to run');
      await until(async () => worker.engine.executor.live.has(run.id), 'the worker to drive the run');
      const cancelledAt = Date.now();
      await api.engine.cancelWorkflow(wf.id);
      await until(async () => !worker.engine.executor.live.has(run.id), 'the worker to stop driving', 2_000);
      expect(Date.now() - cancelledAt).toBeLessThan(2_000);
      const cancelled = (await api.engine.getRun(run.id))!;
      expect(cancelled.status).toBe('CANCELLED');
      expect(cancelled.steps[0]!.status).toBe('CANCELLED');
    });

    it('a checkpoint approved on the api instance is driven on by the worker', async () => {
      const { api, worker } = await apiAndWorker();
      const wf = await api.engine.createWorkflow({
        name: 'Approve me',
        pattern: 'CHECKPOINT',
        runtimeId: 'simulated',
        config: { checkpoints: ['send'] },
        steps: [
          { id: 'draft', name: 'Draft', prompt: 'Draft it.' },
          { id: 'send', name: 'Send', prompt: 'Send it.' },
        ],
      });
      const { run } = await api.engine.executeWorkflow(wf.id);
      await until(async () => (await api.engine.getRun(run.id))?.status === 'WAITING_APPROVAL', 'the checkpoint');
      await api.engine.resolveCheckpoint(wf.id, 'send', true, 'Go.');
      await until(async () => (await api.engine.getRun(run.id))?.status === 'COMPLETED', 'the run to complete');
      expect(worker.engine.simulated.calls).toHaveLength(2);
      expect(api.engine.simulated.calls).toHaveLength(0);
    });
  });
});

forDialect('postgres', () => {
  describe.runIf(redis)('commands across instances', () => {
    it('a step paused at its cap on the worker is resumed from the api instance and the worker drives it on from its journal', async () => {
      const { api, worker } = await apiAndWorker();
      // Three turns of 1,000 input and 100 output tokens on simulated-smart ($0.0045 each); the cap falls in turn 2.
      worker.engine.simulated.script({
        match: 'Dig in three turns.',
        script: {
          turns: [1, 2, 3].map((n) => ({
            text: `Turn ${n}.`,
            inputTokens: 1000,
            outputTokens: 100,
            ...(n < 3 ? { toolCalls: [{ name: 'search_documents', input: { query: `part ${n}` } }] } : {}),
          })),
        },
      });
      const doc = await api.engine.createDocument({ name: 'Notes.md', mimeType: 'text/markdown', content: 'part one, part two' });
      const wf = await api.engine.createWorkflow({
        name: 'Capped',
        pattern: 'SEQUENCE',
        runtimeId: 'simulated',
        documentIds: [doc.id],
        steps: [{ id: 'dig', name: 'Dig', prompt: 'Dig in three turns.', budgetUsd: 0.006 }],
      });
      const { run } = await api.engine.executeWorkflow(wf.id);
      const paused = await api.engine.waitForRun(run.id);
      expect(paused.status).toBe('PAUSED');
      expect(paused.steps[0]).toMatchObject({ status: 'PAUSED', turns: 2 });
      await api.engine.resumeWorkflowStep(wf.id, 'dig', 1);
      const done = await api.engine.waitForRun(run.id);
      expect(done.status).toBe('COMPLETED');
      expect(done.steps[0]).toMatchObject({ turnsReused: 2, turns: 3 });
      // Two tasks on the worker (before the pause, after the resume), none on the api instance; three model calls paid, none twice.
      expect(worker.engine.simulated.calls).toHaveLength(2);
      expect(api.engine.simulated.calls).toHaveLength(0);
      expect(await api.engine.resources.orm.em.fork().count(UsageLedgerSchema, { workflowId: wf.id })).toBe(3);
    });
  });
});

forDialect('postgres', () => {
  describe.runIf(redis)('the recovery sweep and a worker reaching for the same run', () => {
    /** A run claimed on an api instance whose job no worker took yet; its lease has lapsed (it queued for longer). */
    async function queuedRunWithLapsedLease(api: TestEngine): Promise<WorkflowRun> {
      const wf = await api.engine.createWorkflow(threeStepSequence());
      const { run } = await api.engine.executeWorkflow(wf.id);
      await api.clock.advance(LEASE_DURATION_MS + 1_000);
      const row = await readRun(api, run.id);
      expect(row).toMatchObject({ status: 'RUNNING', ownerId: null, resumeCount: 0 });
      return row;
    }
    const readRun = (at: TestEngine, id: string) => at.engine.resources.orm.em.fork().findOneOrFail(WorkflowRunSchema, { id }, { disableIdentityMap: true });
    const setJobLock = (at: TestEngine, runId: string, lockedAt: string) =>
      at.engine.resources.orm.em
        .getConnection()
        .execute(`update graphile_worker._private_jobs set locked_at = ${lockedAt}, locked_by = 'worker-elsewhere' where key = ?`, [`run:${runId}`]);

    it('a take-over decided on a read from before a worker became the driver claims nothing and crashes nothing: the worker keeps driving', async () => {
      const place = sharedPlace();
      const api = await instanceAt(place, 'api');
      const seen = await queuedRunWithLapsedLease(api);
      // A worker on the same clock takes the job and drives; its model call stays in flight.
      const worker = await instanceAt(place, 'worker', { clock: api.clock, simulatedLatencyMs: 60_000 });
      await until(async () => (await api.engine.getRun(seen.id))?.steps[0]?.status === 'RUNNING', 'the worker to drive the first step');
      expect((await readRun(api, seen.id)).ownerId).toBe(worker.engine.resources.ownerId);
      // The sweep's take-over of the row it read earlier (ownerless, lease lapsed).
      const now = api.clock.now();
      const took = await inTransaction(api.engine.resources, (uow) => takeOverRun(uow, api.engine.resources, seen, 3, now));
      expect(took).toBe(false);
      // Nor, for a run at its last allowed take-over, does it end the run CRASHED.
      await inTransaction(api.engine.resources, (uow) => takeOverRun(uow, api.engine.resources, seen, 0, now));
      expect(await readRun(api, seen.id)).toMatchObject({ status: 'RUNNING', ownerId: worker.engine.resources.ownerId, resumeCount: 0 });
      expect((await api.engine.getRun(seen.id))!.steps[0]!.status).toBe('RUNNING');
      expect(worker.engine.executor.live.has(seen.id)).toBe(true);
    });

    it('a run whose job a worker took moments ago is left to it; one taken a lease ago by a worker that never drove it is taken over', async () => {
      const api = await instanceAt(sharedPlace(), 'api');
      const { id } = await queuedRunWithLapsedLease(api);
      await setJobLock(api, id, 'now()');
      expect(await api.engine.control.recover()).toEqual([]);
      expect(await readRun(api, id)).toMatchObject({ ownerId: null, resumeCount: 0 });
      // The worker that took it died before writing itself in: a lease later, the sweep recovers the run.
      await setJobLock(api, id, `now() - interval '${LEASE_DURATION_MS + 1_000} milliseconds'`);
      expect(await api.engine.control.recover()).toEqual([id]);
      expect(await readRun(api, id)).toMatchObject({ ownerId: api.engine.resources.ownerId, resumeCount: 1 });
      expect((await api.engine.waitForRun(id)).status).toBe('COMPLETED');
    });
  });
});

forDialect('sqlite', () => {
  describe('scale-out on SQLite', () => {
    it('is refused: one process owns a SQLite file', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'stagent-run-queue-sqlite-'));
      try {
        await expect(Engine.open({ dataDir: dir, logger: silentLogger, timers: false, role: 'worker', scaleOut: { concurrency: 2 } })).rejects.toThrow(
          /need PostgreSQL: set STAGENT_DATABASE_URL/,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
