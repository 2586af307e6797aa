import type { EngineResources } from '../resources.js';
import { listEvents } from './event-store.js';
import type { WorkflowEvent } from './workflow-event.js';

/**
 * A replay-then-live stream of one workflow's events. Consume it either by iterating it, or by
 * handing it callbacks with {@link WorkflowEventStream.listen}: then live events in order are
 * delivered in a microtask after the bus publish, one transaction's events together, with no
 * promise or timer per event (what a server fanning events out to hundreds of subscribers wants). `return()` ends it either way.
 */
export interface WorkflowEventStream extends AsyncIterableIterator<WorkflowEvent> {
  /**
   * Delivers events to `onEvents` instead of through `next()` (call it before the first `next()`);
   * events already queued are delivered at once. Events published in one synchronous run (one
   * transaction's) arrive together, in a microtask right after it, so that a consumer can write
   * them at once. `onError` gets a failed store read, after which the stream is closed.
   */
  listen(onEvents: (events: readonly WorkflowEvent[]) => void, onError: (error: unknown) => void): void;
  /** Ends the stream and releases its bus listener. */
  return(): Promise<IteratorResult<WorkflowEvent, undefined>>;
}

/**
 * Flushes of listening streams waiting for the end of the current synchronous run. One microtask
 * runs them all, in the order they were queued: a publish reaching 500 listening streams costs
 * one microtask instead of 500 (Node allocates an async resource for every `queueMicrotask`).
 */
let pendingFlushes: (() => void)[] = [];

function runPendingFlushes(): void {
  const flushes = pendingFlushes;
  pendingFlushes = [];
  for (const flush of flushes) flush();
}

function flushSoon(flush: () => void): void {
  if (pendingFlushes.push(flush) === 1) queueMicrotask(runPendingFlushes);
}

/**
 * Replays stored events with `seq > afterSeq`, then streams live ones, with no gap and no
 * duplicate even while events are being emitted: it subscribes before reading the store, holds
 * live events back meanwhile, drops any `seq` it has already delivered, and fills a hole (a live
 * event whose seq is more than one ahead) from the store before delivering it.
 */
export function streamEvents(resources: EngineResources, workflowId: string, afterSeq = 0): WorkflowEventStream {
  let lastSeq = afterSeq;
  /** Live events received while the store is being read (replay or hole filling). */
  let held: WorkflowEvent[] = [];
  let reading = true;
  let closed = false;
  // Iterator mode until listen(): events wait in `queue` for next().
  const queue: WorkflowEvent[] = [];
  let failure: { error: unknown } | null = null;
  let wake: (() => void) | null = null;
  let onEvent = (event: WorkflowEvent): void => {
    queue.push(event);
    wake?.();
  };
  let onError = (error: unknown): void => {
    failure = { error };
    wake?.();
  };

  const deliver = (event: WorkflowEvent): void => {
    if (closed || event.seq <= lastSeq) return;
    lastSeq = event.seq;
    onEvent(event);
  };
  const readStore = (then: (events: WorkflowEvent[]) => void): void => {
    reading = true;
    listEvents(resources, workflowId, { afterSeq: lastSeq }).then(
      (events) => {
        reading = false;
        if (!closed) then(events);
      },
      (error: unknown) => {
        if (closed) return;
        close();
        onError(error);
      },
    );
  };
  /** Delivers held live events in seq order; on a hole, reads the store once (a hole left after that is skipped). */
  const drainHeld = (fillHoles: boolean): void => {
    const live = held.sort((a, b) => a.seq - b.seq);
    held = [];
    for (let i = 0; i < live.length; i++) {
      if (fillHoles && live[i]!.seq > lastSeq + 1) {
        held = live.slice(i);
        return fillHole();
      }
      deliver(live[i]!);
    }
  };
  const fillHole = (): void =>
    readStore((stored) => {
      // Published out of commit order: the missing events are committed, hence stored.
      const next = held[0]!.seq;
      for (const event of stored) if (event.seq < next) deliver(event);
      drainHeld(false);
    });

  const unsubscribe = resources.bus.subscribe(workflowId, (event) => {
    if (closed) return;
    if (reading) {
      held.push(event);
    } else if (event.seq > lastSeq + 1) {
      held.push(event);
      fillHole();
    } else {
      deliver(event);
    }
  });
  readStore((stored) => {
    for (const event of stored) deliver(event);
    drainHeld(true);
  });

  function close(): void {
    if (closed) return;
    closed = true;
    held = [];
    unsubscribe();
    wake?.();
  }

  const stream: WorkflowEventStream = {
    async next() {
      for (;;) {
        const event = queue.shift();
        if (event) return { value: event, done: false };
        if (failure) {
          const { error } = failure;
          failure = null;
          throw error;
        }
        if (closed) return { value: undefined, done: true };
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
    },
    async return() {
      close();
      queue.length = 0;
      return { value: undefined, done: true };
    },
    listen(eventsListener, errorListener) {
      let batch: WorkflowEvent[] = [];
      const flush = (): void => {
        const events = batch;
        batch = [];
        if (closed) return;
        try {
          eventsListener(events);
        } catch (error) {
          // The flush runs with other streams' flushes: one consumer's failure must not cost the others their events.
          resources.logger.error('Workflow event listener failed', { workflowId, error: String(error) });
        }
      };
      onEvent = (event) => {
        if (batch.push(event) === 1) flushSoon(flush);
      };
      onError = errorListener;
      if (queue.length) eventsListener(queue.splice(0));
      if (failure) errorListener(failure.error);
    },
    [Symbol.asyncIterator]() {
      return stream;
    },
  };
  return stream;
}
