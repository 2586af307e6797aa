import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestEngine, threeStepSequence, type TestEngine } from '../testing/index.js';
import { InMemoryEventBus } from './event-bus.js';
import { inSqlTransaction } from '../db/unit-of-work.js';
import { REPLAY_PAGE_EVENTS, streamEvents } from './event-stream.js';
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
    stream.listen(
      (events) => seen.push(...events.map((e) => e.seq)),
      (e) => errors.push(e),
    );
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
    stream.listen(
      (events) => seen.push(...events.map((e) => e.seq)),
      () => {},
    );
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
      failing.listen(
        () => {
          throw new Error('consumer bug');
        },
        () => {},
      );
      healthy.listen(
        (events) => batches.push(events.map((e) => e.seq)),
        () => {},
      );
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

describe('a replay to a consumer that is not ready', () => {
  /** Stores `count` more events of the run in one transaction (published after commit). */
  const storeDeltas = (workflowId: string, runId: string, count: number) =>
    inSqlTransaction(t.engine.resources, async (uow) => {
      for (let i = 0; i < count; i++) uow.emit({ kind: 'STEP_OUTPUT_DELTA', workflowId, runId, outputDelta: `chunk ${i}` });
    });

  it('reads the next page of stored events only once the consumer has room, and misses nothing published meanwhile', async () => {
    const wf = await t.engine.createWorkflow(threeStepSequence());
    const { run } = await t.engine.executeWorkflow(wf.id);
    await runToEnd(run.id);
    await storeDeltas(wf.id, run.id, 2 * REPLAY_PAGE_EVENTS + 50);

    const stream = streamEvents(t.engine.resources, wf.id, 0);
    const seen: number[] = [];
    const asked: number[] = [];
    // The consumer has room for one page each time the test says so.
    let room: (() => void) | null = null;
    let hasRoom = false;
    stream.listen(
      (events) => seen.push(...events.map((e) => e.seq)),
      () => {},
      () => {
        if (hasRoom) {
          hasRoom = false;
          return null;
        }
        asked.push(seen.length);
        return new Promise<void>((resolve) => (room = () => ((hasRoom = true), resolve())));
      },
    );
    // A page is a store read: a few event-loop turns on SQLite, a round trip to the server on
    // PostgreSQL. Wait for the condition with a time bound rather than a count of turns.
    const until = async (done: () => boolean) => {
      for (const deadline = Date.now() + 5_000; !done() && Date.now() < deadline;) await new Promise((resolve) => setTimeout(resolve, 1));
    };
    const askedFor = async (n: number) => {
      await until(() => asked.length >= n);
      expect(asked.length).toBe(n);
    };
    // One page, then the stream asks and waits: nothing more is read while the consumer has no room.
    await askedFor(1);
    expect(asked).toEqual([REPLAY_PAGE_EVENTS]);
    // Live events published while it waits are left to the store, not held in the stream.
    await storeDeltas(wf.id, run.id, 3);
    expect(seen.length).toBe(REPLAY_PAGE_EVENTS);
    room!();
    await askedFor(2);
    expect(asked).toEqual([REPLAY_PAGE_EVENTS, 2 * REPLAY_PAGE_EVENTS]);
    room!();
    const stored = await t.engine.listEvents(wf.id);
    await until(() => seen.length >= stored.length);
    expect(seen).toEqual(stored.map((e) => e.seq));
    // Caught up: live events flow again without asking.
    await storeDeltas(wf.id, run.id, 2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual((await t.engine.listEvents(wf.id)).map((e) => e.seq));
    expect(asked.length).toBe(2);
    await stream.return();
  });
});
