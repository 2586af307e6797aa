import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestEngine, ManualClock, type TestEngine } from '@stagent/engine/testing';
import { TaskSchema } from '../../src/db/entities/task.entity.js';
import { UsageLedgerSchema } from '../../src/db/entities/usage-ledger.entity.js';
import { EngineScheduleExecutor } from '../../src/schedules/engine-schedule-executor.js';
import { ScheduledTaskRunner } from '../../src/schedules/scheduled-task-runner.js';
import { ScheduleSystem } from '../../src/schedules/schedule-system.js';
import { SecretValues } from '../../src/settings/secret-values.js';
import { TaskRunner } from '../../src/tasks/task-runner.js';

const START = Date.UTC(2026, 0, 5, 8, 0);
let t: TestEngine;
let system: ScheduleSystem;

beforeEach(async () => {
  t = await createTestEngine({ clock: new ManualClock(START) });
  const runner = new ScheduledTaskRunner(new TaskRunner(t.engine.resources, t.engine.settings, new SecretValues(t.engine.settings)));
  system = new ScheduleSystem(t.engine.resources, new EngineScheduleExecutor(t.engine, (input) => runner.run(input)));
});
afterEach(() => t.close());

describe("scheduler: a prompt firing runs one task on the schedule's own runtime and budget (real engine)", () => {
  it('creates a SCHEDULE task with the schedule runtime and cap, and records its real turns', async () => {
    t.engine.simulated.script({ match: /Summarise the inbox/, script: { turns: [{ text: 'Reading.' }, { text: 'Still reading.' }, { text: 'Summary.' }] } });
    const schedule = await system.create({
      name: 'Inbox',
      prompt: 'Summarise the inbox.',
      expression: 'every 30 minutes',
      timezone: 'UTC',
      runtimeId: 'simulated',
      budgetUsd: 0.75,
    });

    t.clock.set(START + 30 * 60_000);
    expect((await system.tick()).fired).toHaveLength(1);
    await system.idle();

    const em = t.engine.resources.orm.em.fork();
    const [task] = await em.find(TaskSchema, { scheduleId: schedule.id });
    expect(task).toMatchObject({ kind: 'SCHEDULE', status: 'COMPLETED', runtimeId: 'simulated', budgetUsd: 0.75, turns: 3, workflowId: null });
    // The runtime saw the prompt, with the real turn limit in its system prompt.
    expect(t.engine.simulated.calls).toHaveLength(1);
    expect(t.engine.simulated.calls[0]).toMatchObject({ prompt: 'Summarise the inbox.', maxTurns: 10 });
    expect(t.engine.simulated.calls[0].systemPrompt).toContain('at most 10 turns');
    // One ledger row per model call; the schedule's turn count is the task's, not a count of log rows.
    expect(await em.count(UsageLedgerSchema, { taskId: task.id })).toBe(3);
    expect(await system.get(schedule.id)).toMatchObject({ lastTurnCount: 3, avgTurnsPerFiring: 3, failureStreak: 0 });
  });

  it('a failed task counts toward the streak with its category', async () => {
    t.engine.simulated.script({ match: /Check prices/, script: { failAt: { turn: 1, category: 'AUTH', message: 'Invalid API key.' } } });
    const schedule = await system.create({ name: 'Prices', prompt: 'Check prices.', expression: 'hourly', timezone: 'UTC', runtimeId: 'simulated' });
    t.clock.set(START + 3600_000);
    await system.tick();
    await system.idle();
    const [task] = await t.engine.resources.orm.em.fork().find(TaskSchema, { scheduleId: schedule.id });
    expect(task).toMatchObject({ status: 'FAILED', failureCategory: 'AUTH', budgetUsd: 2 });
    expect(await system.get(schedule.id)).toMatchObject({ failureStreak: 1, lastFailureReason: 'AUTH: Invalid API key.', active: true });
  });
});
