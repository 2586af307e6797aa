import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestEngine, threeStepSequence, type TestEngine } from '../testing/index.js';
import { listEvents } from './event-store.js';

let t: TestEngine;
beforeEach(async () => {
  t = await createTestEngine();
});
afterEach(() => t.close());

/** Runs the workflow `times` times to the end; returns the run ids in order. */
async function runs(workflowId: string, times: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < times; i++) {
    const { run } = await t.engine.executeWorkflow(workflowId);
    await t.engine.waitForRun(run.id);
    ids.push(run.id);
  }
  return ids;
}

describe('listEvents', () => {
  it('reads a workflow’s events in seq order with their payloads, after a seq, of one run, up to a limit', async () => {
    const wf = await t.engine.createWorkflow(threeStepSequence());
    const other = await t.engine.createWorkflow(threeStepSequence({ names: ['Other'] }));
    const [first, second] = await runs(wf.id, 2);
    await runs(other.id, 1);

    const all = await listEvents(t.engine.resources, wf.id);
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    expect(new Set(all.map((e) => e.workflowId))).toEqual(new Set([wf.id]));
    expect(new Set(all.map((e) => e.runId))).toEqual(new Set([first, second]));
    const started = all.find((e) => e.kind === 'STEP_STARTED')!;
    expect(started).toMatchObject({ runId: first, stepId: 's1', taskId: expect.any(String), at: expect.any(Number) });
    const completed = all.find((e) => e.kind === 'RUN_COMPLETED')!;
    expect(typeof completed.costUsd).toBe('number');

    const after = await listEvents(t.engine.resources, wf.id, { afterSeq: 5 });
    expect(after).toEqual(all.slice(5));
    const ofSecond = await listEvents(t.engine.resources, wf.id, { runId: second });
    expect(ofSecond).toEqual(all.filter((e) => e.runId === second));
    expect(await listEvents(t.engine.resources, wf.id, { afterSeq: 2, limit: 3 })).toEqual(all.slice(2, 5));
    expect(await listEvents(t.engine.resources, wf.id, { afterSeq: all.length })).toEqual([]);
    expect(await listEvents(t.engine.resources, 'no-such-workflow')).toEqual([]);
  });
});
