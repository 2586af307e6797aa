import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestEngine, threeStepSequence, type TestEngine } from '@stagent/engine/testing';
import { FailureCategory } from '@stagent/engine';
import { RuntimeCatalog } from '../../src/runtimes/catalog.js';
import type { RuntimeAdapter } from '../../src/runtimes/runtime.js';

let t: TestEngine;
beforeEach(async () => {
  t = await createTestEngine();
});
afterEach(() => t.close());

/** Calls whose own instruction (the end of the prompt) is step `n`'s. */
const callsFor = (t: TestEngine, n: number) => t.engine.simulated.calls.filter((c) => c.prompt.endsWith(`do part ${n} of the work.`));

describe('failures and retries', () => {
  it.each(Object.values(FailureCategory).filter((c) => c !== 'CANCELLED' && c !== 'CRASHED'))(
    'a %s failure leaves the step FAILED with its category, the rest SKIPPED',
    async (category) => {
      const wf = await t.engine.createWorkflow(threeStepSequence());
      t.engine.simulated.script({
        match: (r) => r.prompt.endsWith('do part 2 of the work.'),
        script: { failAt: { turn: 1, category, message: `provider said ${category}` } },
      });
      const run = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
      expect(run.status).toBe('FAILED');
      expect(run.failureCategory).toBe(category);
      expect(run.steps.map((s) => s.status)).toEqual(['COMPLETED', 'FAILED', 'SKIPPED']);
      expect(run.steps[1]!.failureCategory).toBe(category);
      expect(run.steps[1]!.evidence?.providerMessage).toBe(`provider said ${category}`);
      expect((await t.engine.getWorkflow(wf.id))!.status).toBe('FAILED');
    },
  );

  it('retry of step 2 of 3 does not re-execute step 1 and completes the run', async () => {
    const wf = await t.engine.createWorkflow(threeStepSequence());
    t.engine.simulated.script({
      match: (r) => r.prompt.endsWith('do part 2 of the work.'),
      times: 1,
      script: { failAt: { turn: 1, category: 'RATE_LIMITED' } },
    });
    const first = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    expect(callsFor(t, 1)).toHaveLength(1);
    const retried = await t.engine.retryWorkflowStep(wf.id, 's2');
    expect(retried.run.id).toBe(first.id);
    const run = await t.engine.waitForRun(first.id);
    expect(run.status).toBe('COMPLETED');
    expect(run.steps.map((s) => [s.stepId, s.status, s.attempt])).toEqual([
      ['s1', 'COMPLETED', 1],
      ['s2', 'COMPLETED', 2],
      ['s3', 'COMPLETED', 2],
    ]);
    expect(callsFor(t, 1)).toHaveLength(1);
    expect(callsFor(t, 2)).toHaveLength(2);
    // The retried step still receives the output of step 1.
    expect(callsFor(t, 2).at(-1)!.prompt).toContain('Output of the previous step');
  });

  it('refuses to retry a step that did not fail, or a run that is not failed', async () => {
    const wf = await t.engine.createWorkflow(threeStepSequence());
    await expect(t.engine.retryWorkflowStep(wf.id, 's1')).rejects.toMatchObject({ code: 'NOT_APPLICABLE', field: ['workflowId'] });
    await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    await expect(t.engine.retryWorkflowStep(wf.id, 's1')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(t.engine.retryWorkflowStep(wf.id, 'nope')).rejects.toMatchObject({ code: 'NOT_APPLICABLE', field: ['stepId'] });
  });

  it('a runtime that throws leaves the step FAILED (UNKNOWN), never RUNNING', async () => {
    const throwing: RuntimeAdapter = {
      id: 'ollama',
      resumesFromJournal: true,
      describe: async () => ({
        id: 'ollama',
        label: 'x',
        provider: 'x',
        description: 'x',
        available: true,
        unavailableReason: null,
        models: { default: 'm', supported: ['m'] },
        capabilities: [],
      }),
      run: async () => {
        throw new TypeError('socket exploded');
      },
    };
    const custom = await createTestEngine({ catalog: ({ simulated }) => new RuntimeCatalog().register(simulated).register(throwing) });
    try {
      const wf = await custom.engine.createWorkflow({ ...threeStepSequence(), runtimeId: 'ollama' });
      const run = await custom.engine.waitForRun((await custom.engine.executeWorkflow(wf.id)).run.id);
      expect(run.status).toBe('FAILED');
      expect(run.steps[0]).toMatchObject({ status: 'FAILED', failureCategory: 'UNKNOWN', error: 'socket exploded' });
      expect(run.steps.filter((s) => s.status === 'RUNNING')).toHaveLength(0);
    } finally {
      await custom.close();
    }
  });
});

describe('cancel', () => {
  it('cancel mid-step aborts the call and ends CANCELLED (task CANCELLED, never FAILED)', async () => {
    const slow = await createTestEngine({ simulatedLatencyMs: 500 });
    try {
      const wf = await slow.engine.createWorkflow(threeStepSequence());
      const started = await slow.engine.executeWorkflow(wf.id);
      await slow.clock.advance(500);
      await expect.poll(async () => (await slow.engine.getRun(started.run.id))!.steps[0]!.status).toBe('RUNNING');
      const cancelled = await slow.engine.cancelWorkflow(wf.id);
      expect(cancelled.status).toBe('CANCELLED');
      const run = (await slow.engine.getRun(started.run.id))!;
      expect(run.status).toBe('CANCELLED');
      expect(run.steps.map((s) => s.status)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);
      expect(run.steps[0]!.failureCategory).toBe('CANCELLED');
      expect(slow.engine.simulated.calls[0]!.signal.aborted).toBe(true);
      const kinds = (await slow.engine.listEvents(wf.id)).map((e) => e.kind);
      expect(kinds).toContain('RUN_CANCELLED');
      expect(kinds).not.toContain('STEP_FAILED');
    } finally {
      await slow.close();
    }
  });

  it('cancel with nothing running is a CONFLICT', async () => {
    const wf = await t.engine.createWorkflow(threeStepSequence());
    await expect(t.engine.cancelWorkflow(wf.id)).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
