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
 */
export function useSharedSubscriptionResults(options: { maskError: (error: GraphQLError) => Error; maxUnreadBytes: number }): Plugin {
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
        const iterator = source[Symbol.asyncIterator]();
        const key = `${args.operationName ?? ''}\u0000${JSON.stringify(args.variableValues ?? {})}`;
        const context = args.contextValue as { [DIRECT_DELIVERY]?: DirectDelivery; [HTTP_STREAM]?: HttpStream } | undefined;
        const direct = context?.[DIRECT_DELIVERY];
        if (isListenable(iterator)) {
          if (direct) return pushed(iterator, direct, (payload) => sharedJson(args, key, payload));
          return pulled(iterator, { maxUnreadBytes: options.maxUnreadBytes, stream: context?.[HTTP_STREAM] }, (payload) => sharedPulled(args, key, payload));
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
