import { afterEach, describe, expect, it } from 'vitest';
import { createTestEngine } from '@stagent/engine/testing';
import { ManualClock } from '../../src/clock.js';
import { ScheduleFiringSchema } from '../../src/db/entities/schedule-firing.entity.js';
import { ScheduleSchema } from '../../src/db/entities/schedule.entity.js';
import { EngineScheduleExecutor } from '../../src/schedules/engine-schedule-executor.js';
import { ScheduleSystem } from '../../src/schedules/schedule-system.js';
import { ScriptedExecutor } from '../../src/schedules/testing/scripted-executor.js';
import { openScheduleTestResources, temporaryDataDir } from '../../src/schedules/testing/schedule-test-kit.js';

const START = Date.UTC(2026, 0, 5, 8, 0);
const MINUTE = 60_000;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Two "processes": two ORMs, two executors and two schedule systems on one database file. */
async function twoProcesses() {
  const data = temporaryDataDir();
  const clock = new ManualClock(START);
  const a = await openScheduleTestResources({ dataDir: data.dir, clock });
  const b = await openScheduleTestResources({ dataDir: data.dir, clock });
  cleanups.push(
    data.remove,
    () => a.orm.close(true),
    () => b.orm.close(true),
  );
  const executorA = new ScriptedExecutor();
  const executorB = new ScriptedExecutor();
  return { clock, a, b, executorA, executorB, systemA: new ScheduleSystem(a, executorA), systemB: new ScheduleSystem(b, executorB) };
}

describe('scheduler: exactly-once firing across processes on one database', () => {
  it('fires every due time exactly once, whichever process ticks first or both at once', async () => {
    const { clock, a, executorA, executorB, systemA, systemB } = await twoProcesses();
    const created = await systemA.create({ name: 'Quarter-hourly', prompt: 'Check the inbox.', expression: 'every 15 minutes', timezone: 'UTC' });
    expect(created.nextFireAt).toBe(START + 15 * MINUTE);

    // Before the due time neither process fires.
    await Promise.all([systemA.tick(), systemB.tick()]);
    expect(executorA.runs.length + executorB.runs.length).toBe(0);

    for (let round = 1; round <= 8; round++) {
      clock.set(START + round * 15 * MINUTE);
      // Odd rounds tick both at once; even rounds let B go first, then A.
      const results = round % 2 ? await Promise.all([systemA.tick(), systemB.tick()]) : [await systemB.tick(), await systemA.tick()];
      expect(results.flatMap((r) => r.fired)).toHaveLength(1);
      await Promise.all([systemA.idle(), systemB.idle()]);
      // Ticking again in the same minute fires nothing.
      expect((await Promise.all([systemA.tick(), systemB.tick()])).flatMap((r) => r.fired)).toHaveLength(0);
    }

    expect(executorA.runs.length + executorB.runs.length).toBe(8);
    const firings = await a.orm.em.fork().find(ScheduleFiringSchema, { scheduleId: created.id }, { orderBy: { dueAt: 'asc' } });
    expect(firings.map((f) => f.dueAt)).toEqual(Array.from({ length: 8 }, (_, i) => START + (i + 1) * 15 * MINUTE));
    expect(firings.every((f) => f.status === 'COMPLETED' && f.turns === 4 && !f.catchUp)).toBe(true);
    const row = await a.orm.em.fork().findOneOrFail(ScheduleSchema, { id: created.id });
    expect(row).toMatchObject({
      firingCount: 8,
      missedFirings: 0,
      claimedBy: null,
      claimedUntil: null,
      nextFireAt: START + 9 * 15 * MINUTE,
      lastTurnCount: 4,
      avgTurnsPerFiring: 4,
    });
  });

  it('three instances ticking at once for five due times fire each exactly once', async () => {
    const data = temporaryDataDir();
    const clock = new ManualClock(START);
    const instances = await Promise.all([1, 2, 3].map(() => openScheduleTestResources({ dataDir: data.dir, clock })));
    cleanups.push(data.remove, ...instances.map((r) => () => r.orm.close(true)));
    const executors = instances.map(() => new ScriptedExecutor());
    const systems = instances.map((r, i) => new ScheduleSystem(r, executors[i]!));
    const created = await systems[0]!.create({ name: 'Every five', prompt: 'Look.', expression: 'every 5 minutes', timezone: 'UTC' });
    for (let tick = 1; tick <= 5; tick++) {
      clock.set(START + tick * 5 * MINUTE);
      const fired = (await Promise.all(systems.map((s) => s.tick()))).flatMap((r) => r.fired);
      expect(fired).toHaveLength(1);
      await Promise.all(systems.map((s) => s.idle()));
    }
    const firings = await instances[0]!.orm.em.fork().find(ScheduleFiringSchema, { scheduleId: created.id }, { orderBy: { dueAt: 'asc' } });
    expect(firings.map((f) => f.dueAt)).toEqual(Array.from({ length: 5 }, (_, i) => START + (i + 1) * 5 * MINUTE));
    expect(executors.reduce((n, e) => n + e.runs.length, 0)).toBe(5);
  });

  it('a claim held by a live process blocks the other; an expired claim is taken over', async () => {
    const { clock, a, executorA, executorB, systemA, systemB } = await twoProcesses();
    executorA.hold = true;
    const created = await systemA.create({ name: 'Slow', prompt: 'Long job.', expression: 'every 5 minutes', timezone: 'UTC' });

    clock.set(START + 5 * MINUTE);
    expect((await systemA.tick()).fired).toHaveLength(1);
    // The next due time arrives while A is still running its firing. A's tick renews its claim
    // (and does not overlap itself); B must not start a second firing either.
    clock.set(START + 10 * MINUTE);
    expect((await systemA.tick()).fired).toHaveLength(0);
    expect((await systemB.tick()).fired).toHaveLength(0);
    expect(executorB.runs).toHaveLength(0);

    // A stops renewing (it "died"); after the 60 s lease B takes over the due time, once.
    clock.set(START + 10 * MINUTE + 61_000);
    const takeover = await systemB.tick();
    expect(takeover.fired).toEqual([expect.objectContaining({ scheduleId: created.id, catchUp: true, missedFirings: 0 })]);
    await systemB.idle();
    const firings = await a.orm.em.fork().find(ScheduleFiringSchema, { scheduleId: created.id }, { orderBy: { dueAt: 'asc' } });
    expect(firings.map((f) => [f.dueAt, f.status])).toEqual([
      [START + 5 * MINUTE, 'RUNNING'],
      [START + 10 * MINUTE, 'COMPLETED'],
    ]);
    executorA.finishAll();
    await systemA.idle();
  });

  it('with two real engines on one database file, each due time starts exactly one workflow run', async () => {
    const data = temporaryDataDir();
    const clock = new ManualClock(START);
    const one = await createTestEngine({ dataDir: data.dir, clock });
    const two = await createTestEngine({ dataDir: data.dir, clock });
    cleanups.push(
      data.remove,
      () => one.close(),
      () => two.close(),
    );
    const noPromptFirings = async () => ({
      status: 'FAILED' as const,
      turns: 0,
      failureCategory: 'INVALID_REQUEST',
      error: 'No prompt firings in this scenario.',
    });
    const systemOne = new ScheduleSystem(one.engine.resources, new EngineScheduleExecutor(one.engine, noPromptFirings));
    const systemTwo = new ScheduleSystem(two.engine.resources, new EngineScheduleExecutor(two.engine, noPromptFirings));
    const wf = await one.engine.createWorkflow({
      name: 'Digest',
      pattern: 'SEQUENCE',
      runtimeId: 'simulated',
      steps: [{ id: 'a', name: 'a', prompt: 'Write the digest.' }],
    });
    const schedule = await systemTwo.create({ name: 'Digest', prompt: '', expression: 'every 30 minutes', timezone: 'UTC', workflowId: wf.id });

    for (let round = 1; round <= 4; round++) {
      clock.set(START + round * 30 * MINUTE);
      // Alternate which process sees the due time first; the other must find it claimed or already advanced.
      const [first, second] = round % 2 ? [systemOne, systemTwo] : [systemTwo, systemOne];
      expect((await first.tick()).fired).toHaveLength(1);
      expect((await second.tick()).fired).toHaveLength(0);
      await Promise.all([first.idle(), second.idle()]);
      expect((await second.tick()).fired).toHaveLength(0);
    }

    // Four due times, four runs, four model calls in total across both engines.
    expect(one.engine.simulated.calls.length + two.engine.simulated.calls.length).toBe(4);
    const runs = await one.engine.listRuns(wf.id);
    expect(runs.map((r) => [r.runNumber, r.status])).toEqual([
      [4, 'COMPLETED'],
      [3, 'COMPLETED'],
      [2, 'COMPLETED'],
      [1, 'COMPLETED'],
    ]);
    const firings = await one.engine.resources.orm.em.fork().find(ScheduleFiringSchema, { scheduleId: schedule.id }, { orderBy: { dueAt: 'asc' } });
    expect(firings.map((f) => f.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED']);
    expect(new Set(firings.map((f) => f.runId)).size).toBe(4);
    // Turns are the runs' real model turns.
    const turns = runs.map((r) => r.steps.reduce((sum, s) => sum + s.turns, 0));
    expect(firings.map((f) => f.turns)).toEqual(turns.reverse());
    expect(await systemOne.get(schedule.id)).toMatchObject({ lastTurnCount: turns[3], failureStreak: 0 });
  });
});
