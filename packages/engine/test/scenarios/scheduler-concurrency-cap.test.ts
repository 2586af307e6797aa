import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { ScheduleFiringSchema } from '../../src/db/entities/schedule-firing.entity.js';
import type { ScheduleEvent } from '../../src/schedules/schedule-events.js';
import { ScheduleSystem } from '../../src/schedules/schedule-system.js';
import { ScriptedExecutor } from '../../src/schedules/testing/scripted-executor.js';
import { openScheduleTestResources, temporaryDataDir } from '../../src/schedules/testing/schedule-test-kit.js';

const START = Date.UTC(2026, 0, 5, 8, 0);
const MINUTE = 60_000;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Resolves with the next event of `kind` the system publishes. */
function nextEvent(system: ScheduleSystem, kind: ScheduleEvent['kind']): Promise<ScheduleEvent> {
  return new Promise((resolve) => {
    const off = system.onEvent((event) => {
      if (event.kind !== kind) return;
      off();
      resolve(event);
    });
  });
}

describe('scheduler: at most two firings run at once', () => {
  it('starts two of five due schedules; the others wait for a free slot on later ticks', async () => {
    const clock = new ManualClock(START);
    const resources = await openScheduleTestResources({ clock });
    cleanups.push(() => resources.orm.close(true));
    const executor = new ScriptedExecutor({ hold: true });
    const system = new ScheduleSystem(resources, executor);
    for (let i = 1; i <= 5; i++) await system.create({ name: `Report ${i}`, prompt: `Write report ${i}.`, expression: 'daily at 8:30am', timezone: 'UTC' });

    clock.set(START + 30 * MINUTE);
    const first = await system.tick();
    expect(first.fired).toHaveLength(2);
    expect(first.waitingForSlot).toHaveLength(3);
    expect(executor.open).toHaveLength(2);

    // A second tick while both run starts nothing.
    clock.set(START + 30 * MINUTE + 15_000);
    expect((await system.tick()).fired).toHaveLength(0);
    expect(executor.open).toHaveLength(2);

    // One finishes: the next tick fills exactly the freed slot.
    const finished = nextEvent(system, 'SCHEDULE_FIRING_FINISHED');
    executor.open[0].finish();
    await finished;
    clock.set(START + 30 * MINUTE + 30_000);
    const third = await system.tick();
    expect(third.fired).toHaveLength(1);
    expect(third.waitingForSlot).toHaveLength(2);
    expect(executor.open).toHaveLength(2);

    // Draining the rest two at a time fires each schedule once.
    while (executor.runs.length < 5) {
      executor.finishAll();
      await system.idle();
      expect((await system.tick()).fired.length).toBeLessThanOrEqual(2);
      expect(executor.open.length).toBeLessThanOrEqual(2);
    }
    executor.finishAll();
    await system.idle();
    const firings = await resources.orm.em.fork().find(ScheduleFiringSchema, {});
    expect(firings).toHaveLength(5);
    expect(new Set(firings.map((f) => f.scheduleId)).size).toBe(5);
    expect(firings.every((f) => f.status === 'COMPLETED')).toBe(true);
  });

  it('the cap is shared by every process on the database', async () => {
    const data = temporaryDataDir();
    const clock = new ManualClock(START);
    const a = await openScheduleTestResources({ dataDir: data.dir, clock });
    const b = await openScheduleTestResources({ dataDir: data.dir, clock });
    cleanups.push(
      data.remove,
      () => a.orm.close(true),
      () => b.orm.close(true),
    );
    const executorA = new ScriptedExecutor({ hold: true });
    const executorB = new ScriptedExecutor({ hold: true });
    const systemA = new ScheduleSystem(a, executorA);
    const systemB = new ScheduleSystem(b, executorB);
    for (let i = 1; i <= 3; i++) await systemA.create({ name: `Job ${i}`, prompt: 'Work.', expression: 'every 30 minutes', timezone: 'UTC' });

    clock.set(START + 30 * MINUTE);
    expect((await systemA.tick()).fired).toHaveLength(2);
    const fromB = await systemB.tick();
    expect(fromB.fired).toHaveLength(0);
    expect(fromB.waitingForSlot).toHaveLength(1);

    executorA.finishAll();
    await systemA.idle();
    clock.set(START + 30 * MINUTE + 15_000);
    expect((await systemB.tick()).fired).toHaveLength(1);
    executorB.finishAll();
    await systemB.idle();
  });

  it('stopping with abortRunning cancels held firings; a cancel is not a failure', async () => {
    const clock = new ManualClock(START);
    const resources = await openScheduleTestResources({ clock });
    cleanups.push(() => resources.orm.close(true));
    const executor = new ScriptedExecutor({ hold: true });
    const system = new ScheduleSystem(resources, executor);
    const schedule = await system.create({ name: 'Long', prompt: 'Work long.', expression: 'every 30 minutes', timezone: 'UTC' });
    system.start();
    const fired = nextEvent(system, 'SCHEDULE_FIRED');
    await clock.advance(30 * MINUTE);
    await fired;
    expect(executor.open).toHaveLength(1);

    await system.stop({ abortRunning: true });
    expect(executor.open).toHaveLength(0);
    const [firing] = await resources.orm.em.fork().find(ScheduleFiringSchema, { scheduleId: schedule.id });
    expect(firing.status).toBe('CANCELLED');
    expect(await system.get(schedule.id)).toMatchObject({ active: true, failureStreak: 0, nextFireAt: START + 60 * MINUTE });
  });
});
