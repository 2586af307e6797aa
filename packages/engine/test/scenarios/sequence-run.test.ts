import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestEngine, threeStepSequence, type TestEngine } from '@stagent/engine/testing';

let t: TestEngine;
beforeEach(async () => {
  t = await createTestEngine();
});
afterEach(() => t.close());

describe('a sequence run', () => {
  it('runs every step once, chains outputs and ends COMPLETED with ordered events', async () => {
    const wf = await t.engine.createWorkflow(threeStepSequence());
    const started = await t.engine.executeWorkflow(wf.id);
    expect(started.run.status).toBe('RUNNING');
    const run = await t.engine.waitForRun(started.run.id);
    expect(run.status).toBe('COMPLETED');
    expect(run.steps.map((s) => s.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    expect(t.engine.simulated.calls).toHaveLength(3);
    // Step 2 received step 1's output.
    expect(t.engine.simulated.calls[1]!.prompt).toContain('Output of the previous step');
    expect(run.costUsd).toBeGreaterThan(0);
    const kinds = (await t.engine.listEvents(wf.id)).map((e) => e.kind);
    expect(kinds[0]).toBe('RUN_STARTED');
    expect(kinds.at(-1)).toBe('RUN_COMPLETED');
    expect(kinds.filter((k) => k === 'STEP_STARTED')).toHaveLength(3);
    const seqs = (await t.engine.listEvents(wf.id)).map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect((await t.engine.getWorkflow(wf.id))!.status).toBe('COMPLETED');
  });
});
