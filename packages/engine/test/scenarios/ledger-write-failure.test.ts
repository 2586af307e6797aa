import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestEngine, type TestEngine } from '@stagent/engine/testing';
import { TaskSchema } from '../../src/db/entities/task.entity.js';
import { UsageLedgerSchema } from '../../src/db/entities/usage-ledger.entity.js';
import { refuseWrites } from '../failing-write.js';

let t: TestEngine;
beforeEach(async () => {
  t = await createTestEngine();
});
afterEach(() => t.close());

/** A real failing write: the database refuses every insert into the ledger table from now on. */
async function breakLedgerInserts(): Promise<void> {
  await refuseWrites(t, { name: 'ledger_refuses', table: 'usage_ledger', on: 'insert', message: 'usage_ledger is refusing inserts' });
}

describe('a live write that fails ends the step; its spend is not dropped', () => {
  it('the first model call whose ledger row cannot be written stops the step FAILED (UNKNOWN) with the error, its spend on the step, task and run', async () => {
    t.engine.simulated.script({
      match: 'Three turns.',
      script: {
        turns: [
          { text: 'One.', inputTokens: 1000, outputTokens: 100 },
          { text: 'Two.', inputTokens: 1000, outputTokens: 100 },
          { text: 'Three.', inputTokens: 1000, outputTokens: 100 },
        ],
      },
    });
    const wf = await t.engine.createWorkflow({
      name: 'ledger',
      pattern: 'SEQUENCE',
      runtimeId: 'simulated',
      steps: [{ id: 'a', name: 'Work', prompt: 'Three turns.' }],
    });
    await breakLedgerInserts();

    const run = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);

    const step = run.steps[0]!;
    expect(run.status).toBe('FAILED');
    expect(step).toMatchObject({ status: 'FAILED', failureCategory: 'UNKNOWN', turns: 1, inputTokens: 1000, outputTokens: 100 });
    expect(step.error).toContain('usage_ledger is refusing inserts');
    // The model call that could not be recorded is still counted: on the step, its task and the run.
    expect(step.costUsd).toBeGreaterThan(0);
    expect(run.costUsd).toBeCloseTo(step.costUsd, 9);
    const em = t.engine.resources.orm.em.fork();
    const [task] = await em.find(TaskSchema, { runId: run.id });
    expect(task).toMatchObject({
      status: 'FAILED',
      failureCategory: 'UNKNOWN',
      inputTokens: 1000,
      outputTokens: 100,
      costMicros: Math.round(step.costUsd * 1e6),
    });
    expect(await em.count(UsageLedgerSchema, { runId: run.id })).toBe(0);
    const failed = (await t.engine.listEvents(wf.id)).find((e) => e.kind === 'STEP_FAILED')!;
    expect(failed.message).toContain('usage_ledger is refusing inserts');
  });

  it('a step whose end cannot be written at all ends FAILED (UNKNOWN) with the error when the run ends, its task too: never CANCELLED as if a user had cancelled it', async () => {
    t.engine.simulated.script({ match: 'Answer.', script: { turns: [{ text: 'The answer.', inputTokens: 1000, outputTokens: 100 }] } });
    const wf = await t.engine.createWorkflow({
      name: 'completion',
      pattern: 'SEQUENCE',
      runtimeId: 'simulated',
      steps: [
        { id: 'a', name: 'Answer', prompt: 'Answer.' },
        { id: 'b', name: 'Then', prompt: 'Then.' },
      ],
    });
    // The database refuses every task row carrying the answer: the step's COMPLETED write fails, and
    // so does the FAILED one its task runner writes next (what a NUL in the answer did on PostgreSQL
    // before it was bound as U+FFFD). The run's end is left to close the step.
    await refuseWrites(t, {
      name: 'task_answer_refused',
      table: 'tasks',
      on: 'update',
      when: "new.output like '%The answer%'",
      message: 'tasks refuse the answer',
    });

    const run = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);

    expect(run).toMatchObject({ status: 'FAILED', failureCategory: 'UNKNOWN' });
    expect(run.error).toContain('tasks refuse the answer');
    expect(run.steps.map((s) => [s.stepId, s.status, s.failureCategory])).toEqual([
      ['a', 'FAILED', 'UNKNOWN'],
      ['b', 'SKIPPED', null],
    ]);
    expect(run.steps[0]!.error).toContain('tasks refuse the answer');
    const [task] = await t.engine.resources.orm.em.fork().find(TaskSchema, { runId: run.id });
    expect(task).toMatchObject({ status: 'FAILED', failureCategory: 'UNKNOWN', error: expect.stringContaining('tasks refuse the answer') });
    const events = await t.engine.listEvents(wf.id);
    expect(events.map((e) => e.kind)).not.toContain('STEP_CANCELLED');
    expect(events.find((e) => e.kind === 'STEP_FAILED')).toMatchObject({ stepId: 'a', message: expect.stringContaining('tasks refuse the answer') });
  });
});
