import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { ScheduleFiringSchema } from '../../src/db/entities/schedule-firing.entity.js';
import { ScheduleSystem } from '../../src/schedules/schedule-system.js';
import { ScriptedExecutor } from '../../src/schedules/testing/scripted-executor.js';
import { openScheduleTestResources, temporaryDataDir } from '../../src/schedules/testing/schedule-test-kit.js';

const START = Date.UTC(2026, 0, 5, 8, 0);
const MINUTE = 60_000;
const at = (h: number, m = 0) => Date.UTC(2026, 0, 5, h, m);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(dataDir?: string, clock = new ManualClock(START)) {
  const resources = await openScheduleTestResources({ dataDir, clock });
  cleanups.push(() => resources.orm.close(true));
  const executor = new ScriptedExecutor();
  return { clock, resources, executor, system: new ScheduleSystem(resources, executor) };
}

describe('scheduler: after downtime, one catch-up firing and a count of the missed ones', () => {
  it('skips the missed hours, fires once for the latest, and records how many were missed', async () => {
    const { clock, resources, executor, system } = await setup();
    const schedule = await system.create({ name: 'Hourly sync', prompt: 'Sync.', expression: 'hourly', timezone: 'UTC' });
    expect(schedule.nextFireAt).toBe(at(9));

    // Nothing ticks from 08:00 until 14:20: 09:00 ... 14:00 are due (six occurrences).
    clock.set(at(14, 20));
    const tick = await system.tick();
    expect(tick.fired).toEqual([expect.objectContaining({ scheduleId: schedule.id, catchUp: true, missedFirings: 5 })]);
    await system.idle();
    expect(executor.runs).toHaveLength(1);
    expect(await system.get(schedule.id)).toMatchObject({ missedFirings: 5, nextFireAt: at(15), lastFiredAt: at(14, 20) });
    const [firing] = await resources.orm.em.fork().find(ScheduleFiringSchema, { scheduleId: schedule.id });
    expect(firing).toMatchObject({ dueAt: at(14), firedAt: at(14, 20), catchUp: true, status: 'COMPLETED' });
    expect(resources.logger.lines).toContainEqual(expect.objectContaining({ level: 'warn', data: { scheduleId: schedule.id, missedFirings: 5 } }));

    // Back to normal: nothing more this hour, then an on-time firing at 15:00.
    expect((await system.tick()).fired).toHaveLength(0);
    clock.set(at(15));
    expect((await system.tick()).fired).toEqual([expect.objectContaining({ catchUp: false, missedFirings: 0 })]);
    await system.idle();
    expect(await system.get(schedule.id)).toMatchObject({ missedFirings: 5, nextFireAt: at(16) });
  });

  it('a single late occurrence fires once as a catch-up with nothing missed', async () => {
    const { clock, system } = await setup();
    const schedule = await system.create({ name: 'Daily', prompt: 'Report.', expression: 'daily at 9am', timezone: 'UTC' });
    clock.set(at(12));
    expect((await system.tick()).fired).toEqual([expect.objectContaining({ catchUp: true, missedFirings: 0 })]);
    await system.idle();
    expect(await system.get(schedule.id)).toMatchObject({ missedFirings: 0, nextFireAt: Date.UTC(2026, 0, 6, 9) });
  });

  it('a restarted process catches up on its first tick, then ticks on time', async () => {
    const data = temporaryDataDir();
    cleanups.push(data.remove);
    const clock = new ManualClock(START);
    const first = await setup(data.dir, clock);
    const schedule = await first.system.create({ name: 'Quarter-hourly', prompt: 'Check.', expression: 'every 15 minutes', timezone: 'UTC' });

    // The first process runs its loop until 08:20, firing at 08:15, then stops.
    first.system.start();
    await first.system.idle();
    for (let i = 0; i < 80; i++) {
      await clock.advance(15_000);
      await first.system.idle();
    }
    await first.system.stop();
    expect(first.executor.runs).toHaveLength(1);

    // Down until 10:07; 08:30 ... 10:00 are due (seven occurrences).
    clock.set(at(10, 7));
    const second = await setup(data.dir, clock);
    second.system.start();
    await second.system.idle();
    expect(second.executor.runs).toHaveLength(1);
    expect(await second.system.get(schedule.id)).toMatchObject({ missedFirings: 6, nextFireAt: at(10, 15), lastFiredAt: at(10, 7) });

    // The loop keeps going: the 10:15 occurrence fires on time.
    for (let i = 0; i < 32; i++) {
      await clock.advance(15_000);
      await second.system.idle();
    }
    await second.system.stop();
    const firings = await second.resources.orm.em.fork().find(ScheduleFiringSchema, { scheduleId: schedule.id }, { orderBy: { dueAt: 'asc' } });
    expect(firings.map((f) => [f.dueAt, f.firedAt, f.catchUp])).toEqual([
      [at(8, 15), at(8, 15), false],
      [at(10), at(10, 7), true],
      [at(10, 15), at(10, 15), false],
    ]);
  });
});
