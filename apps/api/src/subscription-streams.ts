import { GraphQLError, type ExecutionResult } from 'graphql';
import type { DirectDelivery, HttpStream } from './shared-subscription-results.js';

// How a subscription's results reach its transport when the source can push (the engine's event
// stream): straight to a WebSocket (push mode), or through a bounded queue to a transport that
// pulls (HTTP streams). Both bound what a subscriber that stops reading costs the server.

/** `extensions.code` of the last result of an HTTP subscription closed for leaving too much unread. */
export const SUBSCRIBER_TOO_SLOW = 'SUBSCRIBER_TOO_SLOW';

/**
 * A source stream that can also push events by callback, in batches (the engine's
 * WorkflowEventStream); it asks `whenReady` before each further page of a replay.
 */
export interface ListenableSource extends AsyncIterator<unknown> {
  listen(onEvents: (payloads: readonly unknown[]) => void, onError: (error: unknown) => void, whenReady?: () => Promise<void> | null): void;
}

/** A result waiting for a pulling transport, with the size of its JSON. */
export type Pulled = { result: ExecutionResult; bytes: number };

/** Whether a result (or its JSON) is still being computed. */
export function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | null)?.then === 'function';
}

/**
 * Hands each batch of source payloads, prepared, to `deliver` in order, also when preparing one
 * is a promise (later batches wait for it). `inFlight()` is what is still being prepared, or null.
 */
function orderedBatches<T>(prepare: (payload: object) => Promise<T> | T, deliver: (items: T[]) => void, onError: (error: unknown) => void) {
  let pending: Promise<void> | null = null;
  return {
    push(payloads: readonly unknown[]): void {
      const items = payloads.filter((p): p is object => typeof p === 'object' && p !== null).map(prepare);
      if (!pending && !items.some(isPromise)) return deliver(items as T[]);
      const previous = pending ?? Promise.resolve();
      const current: Promise<void> = previous
        .then(() => Promise.all(items))
        .then(deliver)
        .catch(onError)
        .finally(() => {
          if (pending === current) pending = null;
        });
      pending = current;
    },
    inFlight: (): Promise<void> | null => pending,
  };
}

/** The end of a pushed subscription's iterator: it yields nothing, ends on `return()` and rejects with a source error. */
function endOnly(source: ListenableSource) {
  let ended = false;
  let finish: ((step: IteratorResult<ExecutionResult>) => void) | null = null;
  let fail: ((error: unknown) => void) | null = null;
  let failure: { error: unknown } | null = null;
  const end = (): void => {
    ended = true;
    finish?.({ done: true, value: undefined });
  };
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    next() {
      if (failure) return Promise.reject(failure.error);
      if (ended) return Promise.resolve({ done: true, value: undefined });
      return new Promise((resolve, reject) => {
        finish = resolve;
        fail = reject;
      });
    },
    async return() {
      end();
      await source.return?.();
      return { done: true, value: undefined };
    },
    async throw(error: unknown) {
      end();
      await source.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return {
    iterator,
    isEnded: () => ended,
    /** Ends with `error`; graphql-ws ends its loop on the rejection without calling return(), so the source is released here. */
    raise(error: unknown): void {
      if (ended) return;
      ended = true;
      void source.return?.().catch(() => {});
      if (fail) fail(error);
      else failure = { error };
    },
  };
}

/**
 * Push mode: events go from the source's callback to `delivery` (in order, also when a result is
 * a promise); the returned iterator yields nothing, ends on `return()` and rejects with a source
 * error. A replay reads its next page once the results in flight are written and the socket has room.
 */
export function pushed(
  source: ListenableSource,
  delivery: DirectDelivery,
  serialize: (payload: object) => Promise<Buffer> | Buffer,
): AsyncIterableIterator<ExecutionResult> {
  const end = endOnly(source);
  const batches = orderedBatches(
    serialize,
    (jsons) => {
      if (!end.isEnded()) delivery.send(jsons);
    },
    (error) => end.raise(error),
  );
  source.listen(
    (payloads) => {
      if (!end.isEnded()) batches.push(payloads);
    },
    (error) => {
      const inFlight = batches.inFlight();
      if (inFlight) void inFlight.then(() => end.raise(error));
      else end.raise(error);
    },
    () => batches.inFlight() ?? delivery.whenReady(),
  );
  return end.iterator;
}

/**
 * Pull mode with a bound, for transports that pull results (HTTP streams): events are taken from
 * the source as they come and wait here for the transport, which pulls the next one once the
 * previous is written. When a live batch finds more than `maxUnreadBytes` of JSON waiting, the
 * subscriber stopped reading: the waiting results are dropped, the source released, the HTTP
 * response (if any) dropped, and the iterator ends with a {@link SUBSCRIBER_TOO_SLOW} error.
 * A replay is not cut: it reads its next page only once everything waiting was pulled.
 */
export function pulled(
  source: ListenableSource,
  options: { maxUnreadBytes: number; stream: HttpStream | undefined },
  prepare: (payload: object) => Promise<Pulled> | Pulled,
): AsyncIterableIterator<ExecutionResult> {
  const waiting: Pulled[] = [];
  let unreadBytes = 0;
  let last: ExecutionResult | null = null;
  let failure: { error: unknown } | null = null;
  let ended = false;
  let wake: (() => void) | null = null;
  let emptied: (() => void) | null = null;
  const settle = (): void => {
    const [w, e] = [wake, emptied];
    wake = emptied = null;
    w?.();
    e?.();
  };
  const stop = (): void => {
    ended = true;
    waiting.length = 0;
    unreadBytes = 0;
    settle();
  };
  const tooSlow = (): void => {
    stop();
    void source.return?.().catch(() => {});
    last = {
      errors: [new GraphQLError('Too many unread events: subscribe again with afterSeq to resume.', { extensions: { code: SUBSCRIBER_TOO_SLOW } })],
    };
    options.stream?.close();
  };
  const batches = orderedBatches(
    prepare,
    (items) => {
      if (ended) return;
      if (unreadBytes > options.maxUnreadBytes) return tooSlow();
      for (const item of items) unreadBytes += item.bytes;
      waiting.push(...items);
      settle();
    },
    (error) => {
      if (ended) return;
      stop();
      failure = { error };
      void source.return?.().catch(() => {});
    },
  );
  source.listen(
    (payloads) => {
      if (!ended) batches.push(payloads);
    },
    (error) => {
      const report = () => {
        if (ended) return;
        stop();
        failure = { error };
      };
      const inFlight = batches.inFlight();
      if (inFlight) void inFlight.then(report);
      else report();
    },
    () => batches.inFlight() ?? (waiting.length === 0 || ended ? null : new Promise<void>((resolve) => (emptied = resolve))),
  );
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      for (;;) {
        const item = waiting.shift();
        if (item) {
          unreadBytes -= item.bytes;
          if (waiting.length === 0) {
            const e = emptied;
            emptied = null;
            e?.();
          }
          return { done: false, value: item.result };
        }
        if (last) {
          const value = last;
          last = null;
          return { done: false, value };
        }
        if (failure) {
          const { error } = failure;
          failure = null;
          throw error;
        }
        if (ended) return { done: true, value: undefined };
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    async return() {
      stop();
      await source.return?.();
      return { done: true, value: undefined };
    },
    async throw(error: unknown) {
      stop();
      await source.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
