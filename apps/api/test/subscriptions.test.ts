import { createClient, type Client } from 'graphql-ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { advanceUntil, createTestApp, definitionInput, type TestApp } from './harness.js';

let t: TestApp;
let client: Client;
beforeEach(async () => {
  t = await createTestApp();
  const port = await t.app.start(0, '127.0.0.1');
  client = createClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
});
afterEach(async () => {
  await client.dispose();
  await t.dispose();
});

const EVENTS = /* GraphQL */ `
  subscription ($id: ID!, $after: Int) {
    workflowEvents(workflowId: $id, afterSeq: $after) {
      seq
      at
      kind
      workflowId
      runId
      stepId
      message
      outputDelta
      inputTokens
      outputTokens
      costUsd
      step {
        stepId
        status
        costUsd
        budgetUsd
      }
    }
  }
`;

interface Received {
  seq: number;
  kind: string;
  runId: string;
}

/** Subscribes and collects events until a run-ending event; exposes what arrived so far. */
function collect(variables: Record<string, unknown>, via: Client = client, query: string = EVENTS) {
  const events: Received[] = [];
  const errors: unknown[] = [];
  let finished = false;
  const done = new Promise<void>((resolve) => {
    const stop = via.subscribe<{ workflowEvents: Received }>(
      { query, variables },
      {
        next: (value) => {
          if (value.errors) errors.push(...value.errors);
          const event = value.data?.workflowEvents;
          if (!event) return;
          events.push(event);
          if (['RUN_COMPLETED', 'RUN_FAILED', 'RUN_CANCELLED'].includes(event.kind)) {
            finished = true;
            stop();
            resolve();
          }
        },
        error: (error) => {
          errors.push(error);
          finished = true;
          resolve();
        },
        complete: () => resolve(),
      },
    );
  });
  return { events, errors, done, isFinished: () => finished };
}

/** Creates a workflow (the harness's two-step definition) through the API; returns its id. */
async function createWorkflowOverApi(app: TestApp = t): Promise<string> {
  const created = await app.gql(`mutation ($input: WorkflowDefinitionInput!) { createWorkflow(input: $input) { workflow { id } } }`, {
    input: definitionInput(),
  });
  return created.data.createWorkflow.workflow.id as string;
}

/** Starts a run of workflow `id` through the API; returns the run's id. */
async function executeOverApi(id: string, app: TestApp = t): Promise<string> {
  const started = await app.gql(`mutation ($id: ID!) { executeWorkflow(id: $id) { run { id } } }`, { id });
  return started.data.executeWorkflow.run.id as string;
}

describe('workflowEvents subscription', () => {
  it('resuming with afterSeq taken mid-run yields a contiguous seq sequence with no duplicate', async () => {
    // Each streamed chunk waits 200 ms of the manual clock, so the run advances only when we say.
    t.engine.simulated.script({ match: /./, script: { latencyMs: 200, chunks: 5 } });
    const id = await createWorkflowOverApi();
    const full = collect({ id });
    await executeOverApi(id);

    // Move until the first step has streamed some output: that is "mid-run".
    await advanceUntil(t, () => full.events.some((e) => e.kind === 'STEP_OUTPUT_DELTA'));
    const afterSeq = full.events.at(-1)!.seq;
    const resumed = collect({ id, after: afterSeq });
    await advanceUntil(t, () => full.isFinished() && resumed.isFinished());
    await Promise.all([full.done, resumed.done]);

    expect(full.errors).toEqual([]);
    expect(resumed.errors).toEqual([]);
    const seqs = resumed.events.map((e) => e.seq);
    expect(seqs[0]).toBe(afterSeq + 1);
    seqs.forEach((seq, i) => expect(seq).toBe(afterSeq + 1 + i));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(resumed.events.at(-1)!.kind).toBe('RUN_COMPLETED');
    // The resumed stream is exactly the tail of the full one.
    expect(resumed.events).toEqual(full.events.filter((e) => e.seq > afterSeq));
    expect(full.events.map((e) => e.seq)).toEqual(full.events.map((_, i) => i + 1));
  });

  it('replays a finished run from the start when afterSeq is absent', async () => {
    const id = await createWorkflowOverApi();
    await t.engine.waitForRun(await executeOverApi(id));
    const replay = collect({ id });
    await replay.done;
    expect(replay.events[0]).toMatchObject({ seq: 1, kind: 'RUN_STARTED' });
    expect(replay.events.at(-1)!.kind).toBe('RUN_COMPLETED');
  });
});

describe('shared subscription results', () => {
  it('two subscribers with the same document and variables both receive every event', async () => {
    const id = await createWorkflowOverApi();
    t.engine.simulated.script({ match: /./, script: { latencyMs: 100, chunks: 3 } });
    const a = collect({ id, after: 0 });
    const b = collect({ id, after: 0 });
    await executeOverApi(id);
    await advanceUntil(t, () => a.isFinished() && b.isFinished());
    expect(a.errors).toEqual([]);
    expect(b.events).toEqual(a.events);
    expect(a.events.map((e) => e.seq)).toEqual(a.events.map((_, i) => i + 1));
  });
});

/**
 * Counts the engine's live bus listeners (one per open subscription): `count()` now, and
 * `reach(n)`, which resolves when the count becomes n (at once if it is n already).
 */
function countBusListeners(): { count: () => number; reach: (n: number) => Promise<void> } {
  const bus = t.engine.resources.bus;
  const subscribe = bus.subscribe.bind(bus);
  let active = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  const changed = () => {
    for (const w of waiters.filter((w) => w.n === active)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  bus.subscribe = (workflowId, listener) => {
    active += 1;
    changed();
    const unsubscribe = subscribe(workflowId, listener);
    let released = false;
    return () => {
      if (!released) active -= 1;
      released = true;
      unsubscribe();
      changed();
    };
  };
  return {
    count: () => active,
    reach: (n) => (active === n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }))),
  };
}

describe('fan-out to many subscribers', () => {
  let port: number;
  beforeEach(() => {
    port = (t.app.server.address() as { port: number }).port;
  });
  const newClient = (onSocket?: (socket: WebSocket) => void) =>
    createClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, on: { opened: (s) => onSocket?.(s as WebSocket) } });
  it('releases the bus listener when the client completes the subscription and when it disconnects', async () => {
    const listeners = countBusListeners();
    const id = await createWorkflowOverApi();
    const other = newClient();
    let stopFirst = () => {};
    const firstEvent = new Promise<void>((resolve) => {
      stopFirst = client.subscribe({ query: EVENTS, variables: { id } }, { next: () => resolve(), error: () => {}, complete: () => {} });
    });
    const secondEvent = new Promise<void>((resolve) => {
      other.subscribe({ query: EVENTS, variables: { id } }, { next: () => resolve(), error: () => {}, complete: () => {} });
    });
    await executeOverApi(id);
    await Promise.all([firstEvent, secondEvent]);
    expect(listeners.count()).toBe(2);
    stopFirst();
    await listeners.reach(1);
    await other.dispose();
    await listeners.reach(0);
  });

  it('a subscriber whose socket dropped mid-run does not hold up the others', async () => {
    t.engine.simulated.script({ match: /./, script: { latencyMs: 100, chunks: 3 } });
    const id = await createWorkflowOverApi();
    let dropped: WebSocket | undefined;
    const doomed = newClient((socket) => (dropped = socket));
    const gone = collect({ id, after: 0 }, doomed);
    const kept = collect({ id, after: 0 });
    await executeOverApi(id);
    await advanceUntil(t, () => gone.events.some((e) => e.kind === 'STEP_OUTPUT_DELTA'));
    dropped!.terminate();
    await advanceUntil(t, () => kept.isFinished());
    expect(kept.errors).toEqual([]);
    expect(kept.events.map((e) => e.seq)).toEqual(kept.events.map((_, i) => i + 1));
    expect(kept.events.at(-1)!.kind).toBe('RUN_COMPLETED');
    await doomed.dispose();
  });

  it('subscribers with different selection sets each get their own fields of the same event', async () => {
    const id = await createWorkflowOverApi();
    const narrow = collect({ id }, client, `subscription ($id: ID!) { workflowEvents(workflowId: $id) { seq kind } }`);
    const other = newClient();
    const wide = collect({ id }, other, `subscription ($id: ID!) { workflowEvents(workflowId: $id) { seq kind runId message } }`);
    const runId = await executeOverApi(id);
    await advanceUntil(t, () => narrow.isFinished() && wide.isFinished());
    expect(narrow.events.length).toBeGreaterThan(3);
    for (const e of narrow.events) expect(Object.keys(e).sort()).toEqual(['kind', 'seq']);
    for (const e of wide.events) {
      expect(Object.keys(e).sort()).toEqual(['kind', 'message', 'runId', 'seq']);
      expect(e.runId).toBe(runId);
    }
    expect(wide.events.map((e) => e.seq)).toEqual(narrow.events.map((e) => e.seq));
    await other.dispose();
  });
});

describe('errors in pushed results', () => {
  it('a resolver error in an event is masked and logged, like any other result', async () => {
    type Stream = AsyncIterableIterator<Record<string, unknown>> & { listen(onEvents: (e: readonly object[]) => void, onError: (e: unknown) => void): void };
    const poison = (event: object) =>
      Object.defineProperty({ ...event }, 'message', {
        get() {
          throw new Error('secret detail');
        },
      });
    const masked = await createTestApp({
      wrapEngine: (engine) =>
        new Proxy(engine, {
          get(target, prop, receiver) {
            if (prop !== 'subscribe') return Reflect.get(target, prop, receiver) as unknown;
            return (workflowId: string, afterSeq?: number | null) => {
              const inner = target.subscribe(workflowId, afterSeq) as unknown as Stream;
              const outer: Stream = {
                listen: (onEvents, onError) => inner.listen((events) => onEvents(events.map(poison)), onError),
                next: async () => {
                  const step = await inner.next();
                  return step.done ? step : { done: false, value: poison(step.value) };
                },
                return: () => inner.return!(),
                [Symbol.asyncIterator]: () => outer,
              };
              return outer;
            };
          },
        }),
    });
    const port = await masked.app.start(0, '127.0.0.1');
    const other = createClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const id = await createWorkflowOverApi(masked);
      const first = await new Promise<{ errors?: readonly { message: string }[] }>((resolve, reject) => {
        other.subscribe(
          { query: `subscription ($id: ID!) { workflowEvents(workflowId: $id) { seq message } }`, variables: { id } },
          { next: resolve, error: reject, complete: () => {} },
        );
        void executeOverApi(id, masked);
      });
      expect(first.errors?.map((e) => e.message)).toEqual(['Unexpected error.']);
      expect(JSON.stringify(first)).not.toContain('secret detail');
      expect(masked.logged.some((l) => l.message === 'unexpected error in a resolver' && l.data?.message === 'secret detail')).toBe(true);
    } finally {
      await other.dispose();
      await masked.dispose();
    }
  });
});

describe('a failing pushed source', () => {
  it('ends the subscription with a masked error and releases the stream', async () => {
    let streamReturned!: () => void;
    const returned = new Promise<void>((resolve) => (streamReturned = resolve));
    const failing = await createTestApp({
      wrapEngine: (engine) =>
        new Proxy(engine, {
          get(target, prop, receiver) {
            if (prop !== 'subscribe') return Reflect.get(target, prop, receiver) as unknown;
            return () => {
              const stream = {
                // Fails after listen() has returned, as a store read that rejects would.
                listen: (_onEvent: unknown, onError: (error: unknown) => void) => setImmediate(() => onError(new Error('store gone'))),
                next: () => new Promise(() => {}),
                return: async () => {
                  streamReturned();
                  return { done: true, value: undefined };
                },
                [Symbol.asyncIterator]: () => stream,
              };
              return stream;
            };
          },
        }),
    });
    const port = await failing.app.start(0, '127.0.0.1');
    const other = createClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const id = await createWorkflowOverApi(failing);
      const error = await new Promise<unknown>((resolve) => {
        other.subscribe(
          { query: `subscription ($id: ID!) { workflowEvents(workflowId: $id) { seq } }`, variables: { id } },
          { next: () => {}, error: resolve, complete: () => resolve('completed') },
        );
      });
      expect(JSON.stringify(error)).toContain('Unexpected error.');
      expect(JSON.stringify(error)).not.toContain('store gone');
      await other.dispose();
      await returned;
    } finally {
      await other.dispose();
      await failing.dispose();
    }
  });
});

describe('workflowEvents over HTTP (server-sent events)', () => {
  it('streams through the iterator path (no socket to push to) with the same gapless replay', async () => {
    const id = await createWorkflowOverApi();
    await t.engine.waitForRun(await executeOverApi(id));
    const stored = await t.engine.listEvents(id);
    const listeners = countBusListeners();
    const response = await t.app.yoga.fetch('http://stagent/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: `subscription ($id: ID!) { workflowEvents(workflowId: $id) { seq kind } }`, variables: { id } }),
    });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const seqs = () => [...text.matchAll(/"seq":(\d+)/g)].map((m) => Number(m[1]));
    while (seqs().length < stored.length) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value);
    }
    expect(listeners.count()).toBe(1);
    await reader.cancel();
    expect(seqs()).toEqual(stored.map((e) => e.seq));
    await listeners.reach(0);
  });
});

describe('a subscriber that stops reading', () => {
  it('is closed with 4413 once more than maxUnreadBytes wait unread, and can resume from the store with afterSeq', async () => {
    const slow = await createTestApp({ config: { maxUnreadBytes: 64 * 1024 } });
    try {
      const port = await slow.app.start(0, '127.0.0.1');
      // Eight chunks of 2.75 MB, one a second of (manual) clock: together far more than the
      // loopback socket buffers of both ends take, so the rest would queue in the server.
      const text = 'All work and no play. '.repeat(1_000_000);
      slow.engine.simulated.script({ match: 'Write a lot.', script: { turns: [{ text, outputTokens: 100 }], chunks: 8, latencyMs: 1_000 } });
      const wf = await slow.engine.createWorkflow(definitionInput({ steps: [{ id: 'long', name: 'Long', prompt: 'Write a lot.' }] }) as never);

      // A plain graphql-transport-ws client that reads until the run has started, then stops.
      const socket = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws', { maxPayload: 256 * 1024 * 1024 });
      const received: { type: string; payload?: { data?: { workflowEvents?: Received } } }[] = [];
      let sawStepStarted!: () => void;
      const stepStarted = new Promise<void>((resolve) => (sawStepStarted = resolve));
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as (typeof received)[number];
        received.push(message);
        if (message.payload?.data?.workflowEvents?.kind === 'STEP_STARTED') sawStepStarted();
      });
      const closed = new Promise<{ code: number; reason: string }>((resolve) =>
        socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
      );
      await new Promise((resolve) => socket.once('open', resolve));
      socket.send(JSON.stringify({ type: 'connection_init' }));
      await new Promise((resolve) => socket.once('message', resolve));
      socket.send(
        JSON.stringify({
          id: 'events',
          type: 'subscribe',
          payload: { query: 'subscription ($id: ID!) { workflowEvents(workflowId: $id) { seq kind outputDelta } }', variables: { id: wf.id } },
        }),
      );
      const started = await slow.engine.executeWorkflow(wf.id);
      await stepStarted;
      socket.pause();

      await advanceUntil(slow, async () => (await slow.engine.getRun(started.run.id))!.status !== 'RUNNING', 1_000);
      expect((await slow.engine.getRun(started.run.id))!.status).toBe('COMPLETED');

      socket.resume();
      const { code, reason } = await Promise.race([
        closed,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not closed; read ${received.length} messages`)), 20_000)),
      ]);
      expect(code).toBe(4413);
      expect(reason).toMatch(/afterSeq/);
      const seqs = received.filter((m) => m.type === 'next').map((m) => m.payload!.data!.workflowEvents!.seq);
      const stored = await slow.engine.listEvents(wf.id);
      // It got a prefix of the events, in order, and not the end of the run.
      expect(seqs.length).toBeGreaterThan(2);
      expect(seqs.length).toBeLessThan(stored.length);
      expect(seqs).toEqual(stored.slice(0, seqs.length).map((e) => e.seq));

      // Subscribing again after the last event it read delivers the rest, from the store.
      const resumedClient = createClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
      try {
        const rest = collect(
          { id: wf.id, after: seqs.at(-1) },
          resumedClient,
          'subscription ($id: ID!, $after: Int) { workflowEvents(workflowId: $id, afterSeq: $after) { seq kind runId } }',
        );
        await rest.done;
        expect(rest.errors).toEqual([]);
        expect([...seqs, ...rest.events.map((e) => e.seq)]).toEqual(stored.map((e) => e.seq));
      } finally {
        await resumedClient.dispose();
      }
    } finally {
      await slow.dispose();
    }
  }, 60_000);
});
