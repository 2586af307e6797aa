import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestEngine, threeStepSequence, type TestEngine } from '@stagent/engine/testing';
import type { WorkflowEvent } from '@stagent/engine';

let t: TestEngine;
beforeEach(async () => {
  t = await createTestEngine({ simulatedLatencyMs: 10 });
});
afterEach(() => t.close());

async function collectUntil(iterator: AsyncIterableIterator<WorkflowEvent>, done: (e: WorkflowEvent) => boolean): Promise<WorkflowEvent[]> {
  const out: WorkflowEvent[] = [];
  for await (const e of { [Symbol.asyncIterator]: () => iterator }) {
    out.push(e);
    if (done(e)) break;
  }
  return out;
}

describe('event replay', () => {
  it('a subscription from afterSeq taken mid-run yields every later event once, in order', async () => {
    const wf = await t.engine.createWorkflow(threeStepSequence());
    const { run } = await t.engine.executeWorkflow(wf.id);
    // Let part of the run happen, then subscribe from a seq in the middle while events keep coming.
    let stored = await t.engine.listEvents(wf.id);
    for (let i = 0; i < 400 && stored.length < 10; i++) {
      await t.clock.advance(10);
      stored = await t.engine.listEvents(wf.id);
    }
    const from = Math.floor(stored.length / 2);
    expect(from).toBeGreaterThan(1);
    const iterator = t.engine.subscribe(wf.id, from);
    const pump = (async () => {
      for (let i = 0; i < 400 && (await t.engine.getRun(run.id))!.status === 'RUNNING'; i++) await t.clock.advance(10);
    })();
    const events = await collectUntil(iterator, (e) => e.kind === 'RUN_COMPLETED');
    await pump;
    await iterator.return!();
    const seqs = events.map((e) => e.seq);
    expect(seqs[0]).toBe(from + 1);
    expect(seqs).toEqual(seqs.map((_, i) => from + 1 + i));
    const all = await t.engine.listEvents(wf.id);
    expect(all.at(-1)!.seq).toBe(seqs.at(-1));
  });

  it('events carry the step state and live metrics', async () => {
    const wf = await t.engine.createWorkflow(threeStepSequence());
    const { run } = await t.engine.executeWorkflow(wf.id);
    for (let i = 0; i < 400 && (await t.engine.getRun(run.id))!.status === 'RUNNING'; i++) await t.clock.advance(10);
    const events = await t.engine.listEvents(wf.id);
    const usage = events.find((e) => e.kind === 'USAGE')!;
    expect(usage.step).toMatchObject({ stepId: 's1', status: 'RUNNING' });
    expect(usage.step!.outputTokens).toBeGreaterThan(0);
    expect(usage.costUsd).toBeGreaterThan(0);
    const deltas = events
      .filter((e) => e.kind === 'STEP_OUTPUT_DELTA' && e.stepId === 's1')
      .map((e) => e.outputDelta)
      .join('');
    const output = (await t.engine.getRun(run.id))!.steps[0]!.output!;
    expect(deltas.trim()).toBe(output.trim());
    expect(events.find((e) => e.kind === 'STEP_STARTED')!.step!.taskId).toBeTruthy();
  });

  it('a rolled-back transition publishes nothing', async () => {
    const seen: WorkflowEvent[] = [];
    t.engine.resources.bus.subscribeAll((e) => seen.push(e));
    const wf = await t.engine.createWorkflow(threeStepSequence());
    // Two starts race; which one claims first is up to the database (on PostgreSQL each runs on
    // its own connection, so the second call may win). Exactly one claims, the other rolls back.
    const [a, b] = await Promise.allSettled([t.engine.executeWorkflow(wf.id), t.engine.executeWorkflow(wf.id)]);
    const won = [a, b].filter((r) => r.status === 'fulfilled');
    const lost = [a, b].filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toMatchObject({ code: 'CONFLICT' });
    const started = seen.filter((e) => e.kind === 'RUN_STARTED');
    expect(started).toHaveLength(1);
    expect(started[0]!.runId).toBe(won[0]!.value.run.id);
  });
});
