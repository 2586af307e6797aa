import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestEngine, threeStepSequence, type TestEngine } from '../testing/index.js';
import { InMemoryEventBus } from './event-bus.js';
import { streamEvents } from './event-stream.js';
import type { WorkflowEvent } from './workflow-event.js';

/**
 * A bus that publishes `seq` 3 of every workflow late, just before the run's last event (commits
 * published out of order, the late one long after the hole was seen), and counts the listeners subscribed.
 */
class LateBus extends InMemoryEventBus {
  private held = new Map<string, WorkflowEvent>();
  active = 0;

  override publish(event: WorkflowEvent): void {
    if (event.seq === 3) return void this.held.set(event.workflowId, event);
    const late = event.kind === 'RUN_COMPLETED' ? this.held.get(event.workflowId) : undefined;
    if (late) super.publish(late);
    super.publish(event);
  }

  override subscribe(workflowId: string, listener: (event: WorkflowEvent) => void): () => void {
    this.active += 1;
    const unsubscribe = super.subscribe(workflowId, listener);
    let done = false;
    return () => {
      if (!done) this.active -= 1;
      done = true;
      unsubscribe();
    };
  }
}

let t: TestEngine;
let bus: LateBus;
beforeEach(async () => {
  bus = new LateBus();
  t = await createTestEngine({ simulatedLatencyMs: 10, bus });
});
afterEach(() => t.close());

async function runToEnd(runId: string): Promise<void> {
  for (let i = 0; i < 400 && (await t.engine.getRun(runId))!.status === 'RUNNING'; i++) await t.clock.advance(10);
}

describe('streamEvents', () => {
  it('listen() delivers every event once, in seq order, filling a hole left by out-of-order publishing', async () => {
    const wf = await t.engine.createWorkflow(threeStepSequence());
    const stream = streamEvents(t.engine.resources, wf.id, 0);
    const seen: number[] = [];
    const errors: unknown[] = [];
    stream.listen((events) => seen.push(...events.map((e) => e.seq)), (e) => errors.push(e));
    const { run } = await t.engine.executeWorkflow(wf.id);
    await runToEnd(run.id);
    await t.clock.advance(10);
    const stored = await t.engine.listEvents(wf.id);
    expect(stored.length).toBeGreaterThan(5);
    expect(errors).toEqual([]);
    expect(seen).toEqual(stored.map((e) => e.seq));
    await stream.return();
    expect(bus.active).toBe(0);
  });

  it('the iterator yields the same gapless sequence and releases its bus listener on return()', async () => {
    const wf = await t.engine.createWorkflow(threeStepSequence());
    const stream = streamEvents(t.engine.resources, wf.id, 1);
    expect(bus.active).toBe(1);
    const { run } = await t.engine.executeWorkflow(wf.id);
    const pump = runToEnd(run.id);
    const seqs: number[] = [];
    for await (const e of stream) {
      seqs.push(e.seq);
      if (e.kind === 'RUN_COMPLETED') break;
    }
    await pump;
    expect(seqs).toEqual(seqs.map((_, i) => i + 2));
    expect(bus.active).toBe(0);
  });

  it('events published while the replay is read are delivered after it, without duplicates', async () => {
    const wf = await t.engine.createWorkflow(threeStepSequence());
    const { run } = await t.engine.executeWorkflow(wf.id);
    for (let i = 0; i < 5; i++) await t.clock.advance(10);
    // Subscribed mid-run with listen() before the store read returns: both paths race for the same seqs.
    const stream = streamEvents(t.engine.resources, wf.id, 0);
    const seen: number[] = [];
    stream.listen((events) => seen.push(...events.map((e) => e.seq)), () => {});
    await runToEnd(run.id);
    await t.clock.advance(10);
    expect(seen).toEqual((await t.engine.listEvents(wf.id)).map((e) => e.seq));
    await stream.return();
  });

  it('a listener that throws is logged and does not cost other listening streams their events', async () => {
    const failures: { message: string; data?: Record<string, unknown> }[] = [];
    const logger = { info() {}, warn() {}, error: (message: string, data?: Record<string, unknown>) => failures.push({ message, data }) };
    const logged = await createTestEngine({ simulatedLatencyMs: 10, logger });
    try {
      const wf = await logged.engine.createWorkflow(threeStepSequence());
      const failing = streamEvents(logged.engine.resources, wf.id, 0);
      const healthy = streamEvents(logged.engine.resources, wf.id, 0);
      const batches: number[][] = [];
      failing.listen(() => {
        throw new Error('consumer bug');
      }, () => {});
      healthy.listen((events) => batches.push(events.map((e) => e.seq)), () => {});
      const { run } = await logged.engine.executeWorkflow(wf.id);
      for (let i = 0; i < 400 && (await logged.engine.getRun(run.id))!.status === 'RUNNING'; i++) await logged.clock.advance(10);
      await logged.clock.advance(10);
      expect(batches.flat()).toEqual((await logged.engine.listEvents(wf.id)).map((e) => e.seq));
      expect(failures.length).toBeGreaterThan(0);
      expect(failures[0]).toEqual({ message: 'Workflow event listener failed', data: { workflowId: wf.id, error: 'Error: consumer bug' } });
      await failing.return();
      await healthy.return();
    } finally {
      await logged.close();
    }
  });
});
