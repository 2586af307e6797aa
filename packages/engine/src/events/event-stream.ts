import type { EngineResources } from '../resources.js';
import { listEvents } from '../db/event-store.js';
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
   * `whenReady`, if given, is asked before each further page of the replay: null when the
   * consumer can take another page now, else a promise that settles once it can (or is gone).
   */
  listen(onEvents: (events: readonly WorkflowEvent[]) => void, onError: (error: unknown) => void, whenReady?: ConsumerReadiness): void;
  /** Ends the stream and releases its bus listener. */
  return(): Promise<IteratorResult<WorkflowEvent, undefined>>;
}

/** Null when a stream's consumer can take more events now, else a promise that settles once it can (or is gone). */
export type ConsumerReadiness = () => Promise<void> | null;

/**
 * Stored events read per store query during a replay. A replay reads its next page only when the
 * consumer is ready for it, so a consumer that stopped reading costs at most one page in the
 * stream besides what the consumer itself buffers, however long the history.
 */
export const REPLAY_PAGE_EVENTS = 100;

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
 * live events back while a read is in flight, drops any `seq` it has already delivered, and fills
 * a hole (a live event whose seq is more than one ahead) from the store before delivering it. The
 * replay reads {@link REPLAY_PAGE_EVENTS} at a time, each once the consumer is ready; between two
 * pages live events are left to the store, which has them (they are published after commit).
 */
export function streamEvents(resources: EngineResources, workflowId: string, afterSeq = 0): WorkflowEventStream {
  let lastSeq = afterSeq;
  /** Live events received while the store is being read (a replay page or hole filling). */
  let held: WorkflowEvent[] = [];
  let reading = false;
  /** Until the replay has caught up with the store. */
  let replaying = true;
  let closed = false;
  // Iterator mode until listen(): events wait in `queue` for next().
  const queue: WorkflowEvent[] = [];
  let failure: { error: unknown } | null = null;
  let wake: (() => void) | null = null;
  /** Settles the replay's wait for the iterating consumer to take every queued event. */
  let queueTaken: (() => void) | null = null;
  let onEvent = (event: WorkflowEvent): void => {
    queue.push(event);
    wake?.();
  };
  let onError = (error: unknown): void => {
    failure = { error };
    wake?.();
  };
  let whenReady: ConsumerReadiness = () => (queue.length === 0 ? null : new Promise<void>((resolve) => (queueTaken = resolve)));
  const settleQueueTaken = (): void => {
    const settle = queueTaken;
    queueTaken = null;
    settle?.();
  };

  const deliver = (event: WorkflowEvent): void => {
    if (closed || event.seq <= lastSeq) return;
    lastSeq = event.seq;
    onEvent(event);
  };
  const fail = (error: unknown): void => {
    if (closed) return;
    close();
    onError(error);
  };
  const readStore = (then: (events: WorkflowEvent[]) => void): void => {
    reading = true;
    listEvents(resources, workflowId, { afterSeq: lastSeq }).then((events) => {
      reading = false;
      if (!closed) then(events);
    }, fail);
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
  const replay = async (): Promise<void> => {
    for (;;) {
      for (let wait = whenReady(); wait; wait = whenReady()) {
        await wait;
        if (closed) return;
      }
      reading = true;
      let page: WorkflowEvent[];
      try {
        page = await listEvents(resources, workflowId, { afterSeq: lastSeq, limit: REPLAY_PAGE_EVENTS });
      } catch (error) {
        reading = false;
        return fail(error);
      }
      // From here to the next await nothing else runs: no live event slips between the page and the decision.
      reading = false;
      if (closed) return;
      for (const event of page) deliver(event);
      if (page.length < REPLAY_PAGE_EVENTS) {
        replaying = false;
        return drainHeld(true);
      }
      // More pages follow, and they will contain these.
      held = [];
      // A listening consumer gets the page in this microtask's flush: ask it about room after that.
      await null;
      if (closed) return;
    }
  };

  const unsubscribe = resources.bus.subscribe(workflowId, (event) => {
    if (closed) return;
    if (reading) {
      held.push(event);
    } else if (replaying) {
      // Between two replay pages: the next page reads it from the store.
    } else if (event.seq > lastSeq + 1) {
      held.push(event);
      fillHole();
    } else {
      deliver(event);
    }
  });
  void replay();

  function close(): void {
    if (closed) return;
    closed = true;
    held = [];
    unsubscribe();
    settleQueueTaken();
    wake?.();
  }

  const stream: WorkflowEventStream = {
    async next() {
      for (;;) {
        const event = queue.shift();
        if (queue.length === 0) settleQueueTaken();
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
    listen(eventsListener, errorListener, consumerReadiness) {
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
      whenReady = consumerReadiness ?? (() => null);
      if (queue.length) eventsListener(queue.splice(0));
      settleQueueTaken();
      if (failure) errorListener(failure.error);
    },
    [Symbol.asyncIterator]() {
      return stream;
    },
  };
  return stream;
}
