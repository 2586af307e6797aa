import { createSourceEventStream, execute, GraphQLError, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Context key under which the WebSocket server puts a subscription's {@link DirectDelivery}.
 * A symbol, so no resolver can read it and no client can set it.
 */
export const DIRECT_DELIVERY = Symbol('stagent.directDelivery');

/**
 * Writes one subscription's `next` messages straight to its socket; gets the payloads, in order,
 * as UTF-8 JSON shared with every other subscriber of the same event (read them, never modify them).
 */
export type DirectDelivery = (payloadJsons: readonly Buffer[]) => void;

/** A source stream that can also push events by callback, in batches (the engine's WorkflowEventStream). */
interface ListenableSource extends AsyncIterator<unknown> {
  listen(onEvents: (payloads: readonly unknown[]) => void, onError: (error: unknown) => void): void;
}

type Shared = { result: Promise<ExecutionResult> | ExecutionResult; json?: Promise<Buffer> | Buffer };

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
function isListenable(value: AsyncIterator<unknown>): value is ListenableSource {
  return typeof (value as Partial<ListenableSource>).listen === 'function';
}
function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | null)?.then === 'function';
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
 * Sound only because subscription payload fields do not depend on the context (they read the
 * event and nothing else); a field that read the caller's identity would need to be part of the key.
 * Documents are keyed by identity: yoga's parse cache hands out one DocumentNode per query text.
 */
export function useSharedSubscriptionResults(options: { maskError: (error: GraphQLError) => Error }): Plugin {
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

  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(async (args: ExecutionArgs) => {
        const source = await createSourceEventStream(args);
        if (!isAsyncIterable(source)) return source as ExecutionResult;
        const iterator = source[Symbol.asyncIterator]();
        const key = `${args.operationName ?? ''}\u0000${JSON.stringify(args.variableValues ?? {})}`;
        const direct = (args.contextValue as { [DIRECT_DELIVERY]?: DirectDelivery } | undefined)?.[DIRECT_DELIVERY];
        if (direct && isListenable(iterator)) return pushed(iterator, direct, (payload) => sharedJson(args, key, payload));
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

/**
 * Push mode: events go from the source's callback to `deliver` (in order, also when a result is
 * a promise); the returned iterator yields nothing, ends on `return()` and rejects with a source error.
 */
function pushed(
  source: ListenableSource,
  deliver: DirectDelivery,
  serialize: (payload: object) => Promise<Buffer> | Buffer,
): AsyncIterableIterator<ExecutionResult> {
  let pending: Promise<void> | null = null;
  let ended = false;
  let finish: ((step: IteratorResult<ExecutionResult>) => void) | null = null;
  let fail: ((error: unknown) => void) | null = null;
  let failure: { error: unknown } | null = null;
  const end = (): void => {
    ended = true;
    finish?.({ done: true, value: undefined });
  };
  const raise = (error: unknown): void => {
    const report = () => {
      if (ended) return;
      ended = true;
      // graphql-ws ends its loop on the rejection without calling return(): release the source here.
      void source.return?.().catch(() => {});
      if (fail) fail(error);
      else failure = { error };
    };
    if (pending) void pending.then(report);
    else report();
  };
  source.listen(
    (payloads) => {
      if (ended) return;
      const jsons = payloads.filter((p): p is object => typeof p === 'object' && p !== null).map(serialize);
      // Keep the order when a result is a promise: later events wait for it.
      if (!pending && !jsons.some(isPromise)) return deliver(jsons as Buffer[]);
      const previous = pending ?? Promise.resolve();
      const current: Promise<void> = previous
        .then(() => Promise.all(jsons))
        .then((texts) => {
          if (!ended) deliver(texts);
        })
        .catch(raise)
        .finally(() => {
          if (pending === current) pending = null;
        });
      pending = current;
    },
    raise,
  );
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
  return iterator;
}
