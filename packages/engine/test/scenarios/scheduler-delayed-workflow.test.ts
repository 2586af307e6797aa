import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestEngine, ManualClock, type TestEngine } from '@stagent/engine/testing';
import { ScheduleFiringSchema } from '../../src/db/entities/schedule-firing.entity.js';
import { EngineScheduleExecutor } from '../../src/schedules/engine-schedule-executor.js';
import { ScheduleSystem } from '../../src/schedules/schedule-system.js';

const START = Date.UTC(2026, 0, 5, 8, 0);
const NINE = Date.UTC(2026, 0, 5, 9, 0);
const TWO_HOURS = 2 * 3600_000;
let t: TestEngine;
let system: ScheduleSystem;

beforeEach(async () => {
  t = await createTestEngine({ clock: new ManualClock(START) });
  system = new ScheduleSystem(
    t.engine.resources,
    new EngineScheduleExecutor(t.engine, async () => ({
      status: 'FAILED',
      turns: 0,
      failureCategory: 'INVALID_REQUEST',
      error: 'No prompt firings in this scenario.',
    })),
  );
});
afterEach(() => t.close());

describe('scheduler: a scheduled workflow with a delay step resumes on time', () => {
  it('fires at 9:00, parks on the 2h delay, and the tick at 11:00 resumes it', async () => {
    const wf = await t.engine.createWorkflow({
      name: 'Collect then report',
      pattern: 'SEQUENCE',
      runtimeId: 'simulated',
      config: { delays: { wait: '2h' } },
      steps: [
        { id: 'collect', name: 'collect', prompt: 'Collect the numbers.' },
        { id: 'wait', name: 'wait', prompt: '' },
        { id: 'report', name: 'report', prompt: 'Report the numbers.' },
      ],
    });
    const schedule = await system.create({ name: 'Morning report', prompt: '', expression: 'every weekday at 9am', timezone: 'UTC', workflowId: wf.id });

    // 9:00: the firing starts a run; the run parks on the delay, the firing is WAITING and frees its slot.
    t.clock.set(NINE);
    expect((await system.tick()).fired).toHaveLength(1);
    await system.idle();
    const [firing] = await t.engine.resources.orm.em.fork().find(ScheduleFiringSchema, { scheduleId: schedule.id });
    expect(firing).toMatchObject({ status: 'WAITING', dueAt: NINE });
    const parked = (await t.engine.getRun(firing.runId!))!;
    expect(parked).toMatchObject({ status: 'PAUSED', resumeAt: NINE + TWO_HOURS });
    expect(t.engine.simulated.calls.map((c) => c.prompt)).toEqual([expect.stringContaining('Collect the numbers.')]);
    expect(await system.get(schedule.id)).toMatchObject({ active: true, failureStreak: 0, nextFireAt: Date.UTC(2026, 0, 6, 9, 0) });

    // 10:59:45, one tick before the resume time: still parked.
    t.clock.set(NINE + TWO_HOURS - 15_000);
    await system.tick();
    expect((await t.engine.getRun(parked.id))!.status).toBe('PAUSED');

    // 11:00:00: the tick resumes the run, which finishes the report step.
    t.clock.set(NINE + TWO_HOURS);
    await system.tick();
    const done = await t.engine.waitForRun(parked.id);
    expect(done.status).toBe('COMPLETED');
    expect(done.steps.map((s) => [s.stepId, s.status])).toEqual([
      ['collect', 'COMPLETED'],
      ['wait', 'COMPLETED'],
      ['report', 'COMPLETED'],
    ]);
    expect(done.steps[2].startedAt).toBe(NINE + TWO_HOURS);
    expect(t.engine.simulated.calls).toHaveLength(2);

    // The next day's firing is a new run; the resumed one is not started twice.
    t.clock.set(Date.UTC(2026, 0, 6, 9, 0));
    expect((await system.tick()).fired).toHaveLength(1);
    await system.idle();
    expect((await t.engine.listRuns(wf.id)).map((r) => r.runNumber)).toEqual([2, 1]);
  });

  it('the tick loop on the engine clock resumes the delay within one tick interval', async () => {
    const wf = await t.engine.createWorkflow({
      name: 'Wait a bit',
      pattern: 'SEQUENCE',
      runtimeId: 'simulated',
      config: { delays: { wait: '30m' } },
      steps: [
        { id: 'a', name: 'a', prompt: 'Start.' },
        { id: 'wait', name: 'wait', prompt: '' },
        { id: 'b', name: 'b', prompt: 'Finish.' },
      ],
    });
    await system.create({ name: 'Half-hourly', prompt: '', expression: 'at 8:15', timezone: 'UTC', workflowId: wf.id });
    system.start();
    await system.idle();
    // Walk the clock in tick-sized steps from 08:00 to 08:45:15, as the timer would. In real time
    // a tick's work (a firing's run up to its delay, a resumed run to its end) is done long before
    // the next tick; the manual clock must not jump while it is still on its way to the database
    // (on PostgreSQL that takes round trips, not microtasks), or it stamps the next tick's time.
    for (let at = START + 15_000; at <= START + 45 * 60_000 + 15_000; at += 15_000) {
      await t.clock.advance(15_000);
      await system.idle();
      await Promise.all([...t.engine.executor.live.values()].map((execution) => execution.done));
    }
    await system.stop();
    const [run] = await t.engine.listRuns(wf.id);
    const settled = await t.engine.waitForRun(run.id);
    expect(settled.status).toBe('COMPLETED');
    // Fired at 08:15:00, delay due at 08:45:00, resumed by the 08:45:00 tick.
    expect(settled.steps[0].startedAt).toBe(START + 15 * 60_000);
    expect(settled.steps[2].startedAt).toBe(START + 45 * 60_000);
  });
});
