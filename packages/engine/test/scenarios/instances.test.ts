import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestEngine, ManualClock, type TestEngine } from '@stagent/engine/testing';
import { upsertInstanceRow } from '../../src/db/instance-store.js';
import { HEARTBEAT_INTERVAL_MS, LEASE_DURATION_MS } from '../../src/workflows/leases.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function sharedDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stagent-instances-'));
  dirs.push(dir);
  return dir;
}

/** Two engines ("processes") on one database with one clock. */
async function twoEngines(): Promise<{ a: TestEngine; b: TestEngine; clock: ManualClock }> {
  const dataDir = sharedDir();
  const clock = new ManualClock();
  const a = await createTestEngine({ dataDir, clock, role: 'api' });
  const b = await createTestEngine({ dataDir, clock, role: 'worker' });
  return { a, b, clock };
}

describe('instances', () => {
  it('two engines on one database both register with their role; closing one removes it', async () => {
    const { a, b, clock } = await twoEngines();
    try {
      const listed = await a.engine.listInstances();
      expect(listed.map((i) => [i.id, i.role])).toEqual(
        expect.arrayContaining([
          [a.engine.instances.id, 'api'],
          [b.engine.instances.id, 'worker'],
        ]),
      );
      expect(listed).toHaveLength(2);
      expect(await b.engine.listInstances()).toEqual(listed);
      const mine = listed.find((i) => i.id === a.engine.instances.id)!;
      expect(mine).toMatchObject({ pid: process.pid, version: '0.1.0', runningSteps: 0, startedAt: clock.now(), heartbeatAt: clock.now() });
      expect(mine.host).toBeTruthy();

      await clock.advance(HEARTBEAT_INTERVAL_MS);
      await b.engine.instances.heartbeat();
      const renewed = (await a.engine.listInstances()).find((i) => i.id === b.engine.instances.id)!;
      expect(renewed.heartbeatAt).toBe(clock.now());
      expect(renewed.startedAt).toBe(clock.now() - HEARTBEAT_INTERVAL_MS);

      await b.close();
      expect((await a.engine.listInstances()).map((i) => i.id)).toEqual([a.engine.instances.id]);
    } finally {
      await a.close();
      await b.close().catch(() => undefined);
    }
  });

  it('a row whose heartbeat is older than a lease is not listed and is deleted by the next heartbeat', async () => {
    const t = await createTestEngine({ dataDir: sharedDir() });
    try {
      const now = t.clock.now();
      const dead = { host: 'gone', pid: 1, role: 'worker', version: '0.0.9', startedAt: now - 2 * LEASE_DURATION_MS, runningSteps: 3 };
      await upsertInstanceRow(t.engine.resources, { ...dead, id: 'gone:1:dead', heartbeatAt: now - LEASE_DURATION_MS - 1 }, 0);
      await upsertInstanceRow(t.engine.resources, { ...dead, id: 'gone:2:late', heartbeatAt: now - LEASE_DURATION_MS }, 0);
      // Exactly a lease old still counts; a millisecond more does not.
      expect((await t.engine.listInstances()).map((i) => i.id)).toEqual(['gone:2:late', t.engine.instances.id]);

      await t.clock.advance(1);
      expect((await t.engine.listInstances()).map((i) => i.id)).toEqual([t.engine.instances.id]);
      await t.engine.instances.heartbeat();
      // The sweep deleted them: read as of an earlier time, when they were live, they are still not there.
      t.clock.set(now - LEASE_DURATION_MS);
      expect((await t.engine.listInstances()).map((i) => i.id)).toEqual([t.engine.instances.id]);
    } finally {
      await t.close();
    }
  });

  it('registers again when its own row was swept meanwhile (a long pause)', async () => {
    const dataDir = sharedDir();
    const clock = new ManualClock();
    const a = await createTestEngine({ dataDir, clock });
    const b = await createTestEngine({ dataDir, clock });
    try {
      await clock.advance(LEASE_DURATION_MS + 1);
      await b.engine.instances.heartbeat(); // sweeps a's row
      expect((await b.engine.listInstances()).map((i) => i.id)).toEqual([b.engine.instances.id]);
      await a.engine.instances.heartbeat();
      expect((await b.engine.listInstances()).map((i) => i.id).sort()).toEqual([a.engine.instances.id, b.engine.instances.id].sort());

      // A heartbeat still being written when the instance closes does not register it again.
      await clock.advance(LEASE_DURATION_MS + 1);
      await b.engine.instances.heartbeat(); // sweeps a's row again
      const late = a.engine.instances.heartbeat();
      await a.close();
      await late;
      expect((await b.engine.listInstances()).map((i) => i.id)).toEqual([b.engine.instances.id]);
    } finally {
      await a.close().catch(() => undefined); // closed above unless the test failed before
      await b.close();
    }
  });

  it("reports the steps it runs; a run's instanceId is its driver while RUNNING and null after; resumeCount is 0", async () => {
    const t = await createTestEngine({ dataDir: sharedDir() });
    try {
      t.engine.simulated.script({ match: 'Slow.', script: { turns: [{ text: 'done slowly' }], latencyMs: 1_000, chunks: 2 } });
      const wf = await t.engine.createWorkflow({
        name: 'slow',
        pattern: 'SEQUENCE',
        runtimeId: 'simulated',
        steps: [{ id: 'a', name: 'Slow', prompt: 'Slow.' }],
      });
      const { run } = await t.engine.executeWorkflow(wf.id);
      for (let i = 0; i < 100 && (await t.engine.getRun(run.id))!.steps[0]?.status !== 'RUNNING'; i++) await new Promise((r) => setTimeout(r, 5));
      const running = (await t.engine.getRun(run.id))!;
      expect(running).toMatchObject({ status: 'RUNNING', instanceId: t.engine.instances.id, resumeCount: 0 });
      await t.engine.instances.heartbeat();
      expect((await t.engine.listInstances())[0]!.runningSteps).toBe(1);

      for (let i = 0; i < 100 && (await t.engine.getRun(run.id))!.status === 'RUNNING'; i++) await t.clock.advance(500);
      const done = await t.engine.waitForRun(run.id);
      expect(done).toMatchObject({ status: 'COMPLETED', instanceId: null, resumeCount: 0 });
      expect((await t.engine.listRuns(wf.id))[0]).toMatchObject({ instanceId: null, resumeCount: 0 });
      await t.engine.instances.heartbeat();
      expect((await t.engine.listInstances())[0]!.runningSteps).toBe(0);
    } finally {
      await t.close();
    }
  });
});
