import { createSourceEventStream, execute, type GraphQLError, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { isPromise, pulled, pushed, type ListenableSource, type Pulled } from './subscription-streams.js';

export { SUBSCRIBER_TOO_SLOW } from './subscription-streams.js';

/**
 * Context key under which the WebSocket server puts a subscription's {@link DirectDelivery}.
 * A symbol, so no resolver can read it and no client can set it.
 */
export const DIRECT_DELIVERY = Symbol('stagent.directDelivery');

/** Writes one subscription's `next` messages straight to its socket (graphql-ws). */
export interface DirectDelivery {
  /** Gets the payloads, in order, as UTF-8 JSON shared with every other subscriber of the same event (read them, never modify them). */
  send(payloadJsons: readonly Buffer[]): void;
  /** Null when the socket takes more now, else a promise that settles once it has room again (or closed): a replay reads on only then. */
  whenReady(): Promise<void> | null;
}

/**
 * Context key under which the HTTP server puts the response of a request (a subscription's
 * server-sent events travel on it). A symbol, like {@link DIRECT_DELIVERY}.
 */
export const HTTP_STREAM = Symbol('stagent.httpStream');

/** The response under an HTTP subscription, as far as this plugin needs it. */
export interface HttpStream {
  /** Drops the connection: a client that stopped reading cannot be told in-band. */
  close(): void;
}

/** What the plugin reports about live subscriptions (the API's metrics). */
export interface SubscriptionMeasures {
  /** A subscription started streaming; the returned function is called once when it ends. */
  opened(): () => void;
  /** A batch of live events was written to a subscriber; `oldestAt` is its oldest event's `at` (epoch ms). */
  delivered(oldestAt: number): void;
}

type Shared = { result: Promise<ExecutionResult> | ExecutionResult; json?: Promise<Buffer> | Buffer };

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
function isListenable(value: AsyncIterator<unknown>): value is ListenableSource {
  return typeof (value as Partial<ListenableSource>).listen === 'function';
}

/**
 * Envelop plugin: subscribers that run the same document with the same variables on the same
 * event share one execution of it. The engine publishes one event object to every listener of a
 * workflow, so 500 dashboards following one run cost one execution per event instead of 500.
 *
 * Over graphql-ws (the context carries a {@link DirectDelivery}) and with a source that can push
 * (the engine's event stream), results do not travel through per-subscriber async iterators at
 * all: each event is executed, masked and serialized once per document and variables, and every
 * subscriber's callback writes the shared JSON to its socket. The iterator handed back to
 * graphql-ws then only carries the end (client `complete`, disconnect) and source errors. The
 * masking of those results is `maskError`, the server's own (envelop's masking hook sees only what
 * travels through the iterator).
 *
 * Over HTTP (server-sent events, multipart) the same source pushes into a queue bounded by
 * `maxUnreadBytes` that the transport pulls from, each result carrying its shared JSON as
 * `stringify` (see subscription-streams.ts).
 *
 * Sound only because subscription payload fields do not depend on the context (they read the
 * event and nothing else); a field that read the caller's identity would need to be part of the key.
 * Documents are keyed by identity: yoga's parse cache hands out one DocumentNode per query text.
 *
 * With `measures`, each subscription is counted while open, and the time from a live event's
 * commit to its write is reported once per batch written (WebSocket) or result pulled (HTTP).
 */
export function useSharedSubscriptionResults(options: {
  maskError: (error: GraphQLError) => Error;
  maxUnreadBytes: number;
  measures?: SubscriptionMeasures;
}): Plugin {
  const byEvent = new WeakMap<object, WeakMap<DocumentNode, Map<string, Shared>>>();

  const shared = (args: ExecutionArgs, key: string, payload: object): Shared => {
    let byDocument = byEvent.get(payload);
    if (!byDocument) byEvent.set(payload, (byDocument = new WeakMap()));
    let results = byDocument.get(args.document);
    if (!results) byDocument.set(args.document, (results = new Map()));
    let entry = results.get(key);
    if (!entry) results.set(key, (entry = { result: execute({ ...args, rootValue: payload }) }));
    return entry;
  };
  const maskResult = (result: ExecutionResult): ExecutionResult =>
    result.errors ? { ...result, errors: result.errors.map((e) => options.maskError(e) as GraphQLError) } : result;
  const toJson = (result: ExecutionResult): Buffer => Buffer.from(JSON.stringify(maskResult(result)));
  const sharedJson = (args: ExecutionArgs, key: string, payload: object): Promise<Buffer> | Buffer => {
    const entry = shared(args, key, payload);
    if (entry.json === undefined) {
      const { result } = entry;
      entry.json = isPromise(result) ? result.then(toJson) : toJson(result);
    }
    return entry.json;
  };
  // An HTTP transport serializes what it pulls with `stringify` when a result has one: the shared JSON, not a copy per subscriber.
  const sharedPulled = (args: ExecutionArgs, key: string, payload: object): Promise<Pulled> | Pulled => {
    const entry = shared(args, key, payload);
    const json = sharedJson(args, key, payload);
    const pulled = (result: ExecutionResult, bytes: Buffer): Pulled => {
      const text = bytes.toString();
      return { result: { ...result, stringify: () => text } as ExecutionResult, bytes: bytes.length };
    };
    return isPromise(entry.result) || isPromise(json) ? Promise.all([entry.result, json]).then(([r, j]) => pulled(r, j)) : pulled(entry.result, json);
  };

  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(async (args: ExecutionArgs) => {
        const source = await createSourceEventStream(args);
        if (!isAsyncIterable(source)) return source as ExecutionResult;
        const measured = options.measures ? measuredSource(source[Symbol.asyncIterator](), options.measures) : null;
        const iterator = measured?.source ?? source[Symbol.asyncIterator]();
        const key = `${args.operationName ?? ''}\u0000${JSON.stringify(args.variableValues ?? {})}`;
        const context = args.contextValue as { [DIRECT_DELIVERY]?: DirectDelivery; [HTTP_STREAM]?: HttpStream } | undefined;
        const direct = context?.[DIRECT_DELIVERY];
        if (isListenable(iterator)) {
          if (direct) return pushed(iterator, measured ? measured.timed(direct) : direct, (payload) => sharedJson(args, key, payload));
          const http = pulled(iterator, { maxUnreadBytes: options.maxUnreadBytes, stream: context?.[HTTP_STREAM] }, (payload) =>
            measured ? measured.tagged(payload, sharedPulled(args, key, payload)) : sharedPulled(args, key, payload),
          );
          return measured ? measured.timedPulls(http) : http;
        }
        const mapped: AsyncIterableIterator<ExecutionResult> = {
          async next() {
            const step = await iterator.next();
            if (step.done) return { done: true, value: undefined };
            const payload: unknown = step.value;
            const result = typeof payload === 'object' && payload !== null ? shared(args, key, payload).result : execute({ ...args, rootValue: payload });
            return { done: false, value: await result };
          },
          async return() {
            await iterator.return?.();
            return { done: true, value: undefined };
          },
          async throw(error: unknown) {
            if (iterator.throw) await iterator.throw(error);
            throw error;
          },
          [Symbol.asyncIterator]() {
            return mapped;
          },
        };
        return mapped;
      });
    },
  };
}

/** The `at` (epoch ms) of a payload that is a stored event. */
function eventTime(payload: unknown): number | null {
  const at = (payload as { at?: unknown } | null)?.at;
  return typeof at === 'number' ? at : null;
}

/**
 * A subscription's source as the metrics see it: counted while it is open (from here to its
 * `return()`, a source error or its end), and with the event times the transport wrappers
 * observe once a batch (push) or a result (pull) is written. Only events committed after the
 * subscription started count: a replay of stored events is not fan-out.
 */
function measuredSource(source: AsyncIterator<unknown>, measures: SubscriptionMeasures) {
  const since = Date.now();
  const close = measures.opened();
  const liveAt = (payload: unknown): number | null => {
    const at = eventTime(payload);
    return at !== null && at >= since ? at : null;
  };
  const oldestLive = (payloads: readonly unknown[]): number | null => {
    let oldest: number | null = null;
    for (const payload of payloads) {
      const at = liveAt(payload);
      if (at !== null && (oldest === null || at < oldest)) oldest = at;
    }
    return oldest;
  };
  /** Push mode: the oldest live `at` of each batch handed to the transport and not yet written (null: nothing live in it). */
  let batches: (number | null)[] | null = null;
  const wrapped: AsyncIterator<unknown> & Partial<ListenableSource> = {
    next: async (...args: [] | [unknown]) => {
      const step = await source.next(...args);
      if (step.done) close();
      return step;
    },
    return: async (value?: unknown) => {
      close();
      return source.return ? source.return(value) : { done: true, value: undefined };
    },
    throw: async (error?: unknown) => {
      close();
      if (source.throw) return source.throw(error);
      throw error;
    },
  };
  if (isListenable(source)) {
    wrapped.listen = (onEvents, onError, whenReady) =>
      source.listen(
        (payloads) => {
          batches?.push(oldestLive(payloads));
          onEvents(payloads);
        },
        (error) => {
          close();
          onError(error);
        },
        whenReady,
      );
  }
  /** Pull mode: the live `at` of each prepared result. */
  const resultAt = new WeakMap<object, number>();
  return {
    source: wrapped,
    /** `delivery`, observing each batch it writes (push mode sends once per batch, in order). */
    timed(delivery: DirectDelivery): DirectDelivery {
      const queue: (number | null)[] = (batches = []);
      return {
        send(payloadJsons) {
          delivery.send(payloadJsons);
          const at = queue.shift();
          if (at !== undefined && at !== null) measures.delivered(at);
        },
        whenReady: () => delivery.whenReady(),
      };
    },
    /** Remembers the event time of a result prepared for a pulling transport. */
    tagged(payload: object, prepared: Promise<Pulled> | Pulled): Promise<Pulled> | Pulled {
      const at = liveAt(payload);
      if (at === null) return prepared;
      const tag = (p: Pulled): Pulled => (resultAt.set(p.result, at), p);
      return isPromise(prepared) ? prepared.then(tag) : tag(prepared);
    },
    /** `results`, observing each live result when the transport takes it to write. */
    timedPulls(results: AsyncIterableIterator<ExecutionResult>): AsyncIterableIterator<ExecutionResult> {
      const iterator: AsyncIterableIterator<ExecutionResult> = {
        async next() {
          const step = await results.next();
          const at = step.done ? undefined : resultAt.get(step.value);
          if (at !== undefined) measures.delivered(at);
          return step;
        },
        return: () => results.return!(),
        throw: (error: unknown) => results.throw!(error),
        [Symbol.asyncIterator]: () => iterator,
      };
      return iterator;
    },
  };
}
