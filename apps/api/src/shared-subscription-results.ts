import { createSourceEventStream, execute, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';

type Results = Map<string, Promise<ExecutionResult> | ExecutionResult>;

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * Envelop plugin: subscribers that run the same document with the same variables on the same
 * event share one execution of it. The engine publishes one event object to every listener of a
 * workflow, so 500 dashboards following one run cost one execution per event instead of 500.
 *
 * Sound only because subscription payload fields do not depend on the context (they read the
 * event and nothing else); a field that read the caller's identity would need to be part of the key.
 * Documents are keyed by identity: yoga's parse cache hands out one DocumentNode per query text.
 */
export function useSharedSubscriptionResults(): Plugin {
  const byEvent = new WeakMap<object, WeakMap<DocumentNode, Results>>();

  const executeShared = (args: ExecutionArgs, payload: unknown): Promise<ExecutionResult> | ExecutionResult => {
    if (typeof payload !== 'object' || payload === null) return execute({ ...args, rootValue: payload });
    let byDocument = byEvent.get(payload);
    if (!byDocument) byEvent.set(payload, (byDocument = new WeakMap()));
    let results = byDocument.get(args.document);
    if (!results) byDocument.set(args.document, (results = new Map()));
    const key = `${args.operationName ?? ''}\u0000${JSON.stringify(args.variableValues ?? {})}`;
    let result = results.get(key);
    if (!result) results.set(key, (result = execute({ ...args, rootValue: payload })));
    return result;
  };

  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(async (args: ExecutionArgs) => {
        const source = await createSourceEventStream(args);
        if (!isAsyncIterable(source)) return source as ExecutionResult;
        const iterator = source[Symbol.asyncIterator]();
        const mapped: AsyncIterableIterator<ExecutionResult> = {
          async next() {
            const step = await iterator.next();
            return step.done ? { done: true, value: undefined } : { done: false, value: await executeShared(args, step.value) };
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
