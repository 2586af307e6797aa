import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestEngine, ManualClock, type TestEngine } from '@stagent/engine/testing';
import { TaskSchema } from '../../src/db/entities/task.entity.js';
import { UsageLedgerSchema } from '../../src/db/entities/usage-ledger.entity.js';
import { refuseWrites } from '../failing-write.js';

const START = Date.UTC(2026, 0, 5, 8, 0);
let t: TestEngine;
beforeEach(async () => {
  t = await createTestEngine({ clock: new ManualClock(START) });
});
afterEach(() => t.close());

/** Three turns of $0.45 each on simulated-smart ($3 / $15 per million tokens). */
const expensiveTurns = { turns: [1, 2, 3].map((n) => ({ text: `Turn ${n}.`, inputTokens: 100_000, outputTokens: 10_000 })) };

/** Fires every due schedule once and waits for the firings to end. */
async function fireHourly(): Promise<void> {
  t.clock.set(START + 3600_000);
  await t.engine.schedules.tick();
  await t.engine.schedules.idle();
}

describe('schedule firings and workflow steps run through the one task runner', () => {
  it('a firing that reaches its cap ends exactly as a workflow step with the same budget: same runtime, model, cap, turns, spend and ledger', async () => {
    // A firing has no step to resume, so it always fails at its cap; the step does too with `fail`.
    await t.engine.updateSettings([
      { key: 'routing.defaultRuntime', value: 'simulated' },
      { key: 'budget.onCapReached', value: 'fail' },
    ]);
    t.engine.simulated.script({ match: 'Dig for facts.', script: expensiveTurns });
    const schedule = await t.engine.schedules.create({ name: 'Dig', prompt: 'Dig for facts.', expression: 'hourly', timezone: 'UTC', budgetUsd: 0.75 });
    const wf = await t.engine.createWorkflow({
      name: 'Dig',
      pattern: 'SEQUENCE',
      steps: [{ id: 'a', name: 'Dig', prompt: 'Dig for facts.', budgetUsd: 0.75 }],
    });

    await fireHourly();
    const run = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);

    const em = t.engine.resources.orm.em.fork();
    const [fired] = await em.find(TaskSchema, { scheduleId: schedule.id });
    const [step] = await em.find(TaskSchema, { runId: run.id });
    const shape = (task: typeof fired) => ({
      runtimeId: task!.runtimeId,
      modelId: task!.modelId,
      budgetUsd: task!.budgetUsd,
      status: task!.status,
      failureCategory: task!.failureCategory,
      turns: task!.turns,
      inputTokens: task!.inputTokens,
      outputTokens: task!.outputTokens,
      costMicros: task!.costMicros,
    });
    expect(shape(fired)).toEqual({
      runtimeId: 'simulated',
      modelId: 'simulated-smart',
      budgetUsd: 0.75,
      status: 'FAILED',
      failureCategory: 'BUDGET_EXCEEDED',
      turns: 2,
      inputTokens: 200_000,
      outputTokens: 20_000,
      costMicros: 900_000,
    });
    expect(shape(step)).toEqual(shape(fired));
    expect(fired!.error).toBe(step!.error);
    for (const task of [fired!, step!]) {
      const ledger = await em.find(UsageLedgerSchema, { taskId: task.id });
      expect(ledger.map((l) => l.costMicros)).toEqual([450_000, 450_000]);
    }
    expect(await t.engine.schedules.get(schedule.id)).toMatchObject({
      lastTurnCount: 2,
      failureStreak: 1,
      lastFailureReason: expect.stringContaining('BUDGET_EXCEEDED'),
    });
  });

  it('a firing whose task-row write fails leaves no ledger row without its task totals: both commit or neither', async () => {
    t.engine.simulated.script({ match: 'Count things.', script: { turns: [{ text: 'Counted.', inputTokens: 1000, outputTokens: 100 }] } });
    const schedule = await t.engine.schedules.create({ name: 'Count', prompt: 'Count things.', expression: 'hourly', timezone: 'UTC', runtimeId: 'simulated' });
    // A real failing write: the database refuses the running task's totals (the final update, status FAILED, passes).
    await refuseWrites(t, {
      name: 'task_totals_refused',
      table: 'tasks',
      on: 'update',
      when: "new.status = 'RUNNING' and new.cost_micros > 0",
      message: 'tasks refuses running totals',
    });

    await fireHourly();

    const em = t.engine.resources.orm.em.fork();
    const [task] = await em.find(TaskSchema, { scheduleId: schedule.id });
    expect(await em.count(UsageLedgerSchema, { taskId: task!.id })).toBe(0);
    expect(task).toMatchObject({ status: 'FAILED', failureCategory: 'UNKNOWN', inputTokens: 1000, outputTokens: 100, costMicros: 1000 * 3 + 100 * 15 });
    expect(task!.error).toContain('tasks refuses running totals');
  });
});
