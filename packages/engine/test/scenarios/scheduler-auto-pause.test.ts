import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestEngine, ManualClock, type TestEngine } from '@stagent/engine/testing';
import { ScheduleFiringSchema } from '../../src/db/entities/schedule-firing.entity.js';
import { EngineScheduleExecutor } from '../../src/schedules/engine-schedule-executor.js';
import type { ScheduleEvent } from '../../src/schedules/schedule-events.js';
import { ScheduleSystem } from '../../src/schedules/schedule-system.js';
import { RecordingLogger } from '../../src/schedules/testing/schedule-test-kit.js';

const START = Date.UTC(2026, 0, 5, 8, 0);
const QUARTER = 15 * 60_000;
let t: TestEngine;
let logger: RecordingLogger;
let system: ScheduleSystem;
let events: ScheduleEvent[];

beforeEach(async () => {
  logger = new RecordingLogger();
  t = await createTestEngine({ clock: new ManualClock(START), logger });
  // Workflow firings run through the real engine; prompt firings are not used in this file.
  system = new ScheduleSystem(
    t.engine.resources,
    new EngineScheduleExecutor(t.engine, async () => ({
      status: 'FAILED',
      turns: 0,
      failureCategory: 'INVALID_REQUEST',
      error: 'No prompt firings in this scenario.',
    })),
  );
  events = [];
  system.onEvent((event) => events.push(event));
});
afterEach(() => t.close());

async function failingScheduleWith(category: 'TIMEOUT' | 'TURN_LIMIT', times?: number) {
  const wf = await t.engine.createWorkflow({
    name: 'Nightly',
    pattern: 'SEQUENCE',
    runtimeId: 'simulated',
    steps: [{ id: 'fetch', name: 'fetch', prompt: 'Fetch the feed.' }],
  });
  t.engine.simulated.script({
    match: 'Fetch the feed.',
    script: { turns: [{ text: 'Reading.' }, { text: 'Still reading.' }, { text: 'Stuck.' }], failAt: { turn: 3, category } },
    times,
  });
  return system.create({ name: 'Feed', prompt: '', expression: 'every 15 minutes', timezone: 'UTC', workflowId: wf.id });
}

/** Moves to the next quarter hour, ticks, and waits until the firing is recorded. */
async function fireOnce() {
  await t.clock.advance(QUARTER);
  const tick = await system.tick();
  await system.idle();
  return tick;
}

describe('scheduler: a failing schedule pauses itself (real engine)', () => {
  it('pauses after 3 consecutive TIMEOUT failures, records why, logs and emits it', async () => {
    const schedule = await failingScheduleWith('TIMEOUT');

    for (const expectedStreak of [1, 2]) {
      expect((await fireOnce()).fired).toHaveLength(1);
      expect(await system.get(schedule.id)).toMatchObject({ active: true, failureStreak: expectedStreak, lastTurnCount: 3 });
    }
    expect(events.filter((e) => e.kind === 'SCHEDULE_AUTO_PAUSED')).toHaveLength(0);

    expect((await fireOnce()).fired).toHaveLength(1);
    const paused = await system.get(schedule.id);
    expect(paused).toMatchObject({ active: false, nextFireAt: null, failureStreak: 3, lastTurnCount: 3, avgTurnsPerFiring: 3 });
    expect(paused!.lastFailureReason).toMatch(/^TIMEOUT: /);
    expect(paused!.pausedReason).toMatch(/^Paused automatically after 3 consecutive failed firings \(TIMEOUT\)/);
    expect(events.map((e) => e.kind)).toEqual([
      'SCHEDULE_FIRED',
      'SCHEDULE_FIRING_FINISHED',
      'SCHEDULE_FIRED',
      'SCHEDULE_FIRING_FINISHED',
      'SCHEDULE_FIRED',
      'SCHEDULE_FIRING_FINISHED',
      'SCHEDULE_AUTO_PAUSED',
    ]);
    expect(logger.lines.filter((l) => l.message === 'Schedule paused automatically')).toEqual([
      expect.objectContaining({ level: 'warn', data: expect.objectContaining({ scheduleId: schedule.id, failureStreak: 3 }) }),
    ]);
    // Each firing started one real run whose failure category is recorded on the firing.
    const firings = await t.engine.resources.orm.em.fork().find(ScheduleFiringSchema, { scheduleId: schedule.id });
    expect(firings.map((f) => [f.status, f.failureCategory, f.turns])).toEqual(Array(3).fill(['FAILED', 'TIMEOUT', 3]));
    expect((await t.engine.listRuns(schedule.workflowId!)).map((r) => r.status)).toEqual(['FAILED', 'FAILED', 'FAILED']);

    // Paused: time passes, nothing fires.
    expect((await fireOnce()).fired).toHaveLength(0);
    expect(t.engine.simulated.calls).toHaveLength(3);
  });

  it('gives TURN_LIMIT failures 5 firings before pausing', async () => {
    const schedule = await failingScheduleWith('TURN_LIMIT');
    for (let i = 1; i <= 4; i++) await fireOnce();
    expect(await system.get(schedule.id)).toMatchObject({ active: true, failureStreak: 4 });
    await fireOnce();
    const paused = await system.get(schedule.id);
    expect(paused).toMatchObject({ active: false, failureStreak: 5 });
    expect(paused!.pausedReason).toMatch(/after 5 consecutive failed firings \(TURN_LIMIT\)/);
  });

  it('re-activating resets the streak and recomputes the next fire time from now', async () => {
    const schedule = await failingScheduleWith('TIMEOUT', 3);
    for (let i = 0; i < 3; i++) await fireOnce();
    expect((await system.get(schedule.id))!.active).toBe(false);

    // The feed is fixed (the failing script is used up), the user re-activates 2.5 hours later.
    t.engine.simulated.script({ match: 'Fetch the feed.', script: { turns: [{ text: 'ok' }, { text: 'done' }] } });
    await t.clock.advance(2.5 * 3600_000);
    const resumed = await system.setActive(schedule.id, true);
    expect(resumed).toMatchObject({ active: true, failureStreak: 0, pausedReason: null, nextFireAt: START + 3 * QUARTER + 2.5 * 3600_000 + QUARTER });

    // No catch-up for the paused period: one normal firing at the next quarter hour.
    const tick = await fireOnce();
    expect(tick.fired).toEqual([expect.objectContaining({ catchUp: false, missedFirings: 0 })]);
    expect(await system.get(schedule.id)).toMatchObject({ active: true, failureStreak: 0, lastFailureReason: null, lastTurnCount: 2, missedFirings: 0 });
  });
});
