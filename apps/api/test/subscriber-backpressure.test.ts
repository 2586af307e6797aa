import http from 'node:http';
import type { Socket } from 'node:net';
import { REPLAY_PAGE_EVENTS } from '@stagent/engine';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { advanceUntil, createTestApp, definitionInput, type TestApp } from './harness.js';

// Subscribers that stop reading must not make the server hold their events without bound:
// the same unread-bytes limit (maxUnreadBytes) for server-sent events as for WebSocket, and
// replays that read the store only as fast as the socket takes them.

const MAX_UNREAD = 64 * 1024;
let t: TestApp | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

/** Counts the engine's live bus listeners (one per open subscription). */
function countBusListeners(app: TestApp): () => number {
  const bus = app.engine.resources.bus;
  const subscribe = bus.subscribe.bind(bus);
  let active = 0;
  bus.subscribe = (workflowId, listener) => {
    active += 1;
    const unsubscribe = subscribe(workflowId, listener);
    let released = false;
    return () => {
      if (!released) active -= 1;
      released = true;
      unsubscribe();
    };
  };
  return () => active;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1_000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition(), what).toBe(true);
}

const seqsIn = (text: string) => [...text.matchAll(/"seq":(\d+)/g)].map((m) => Number(m[1]));

describe('a server-sent events subscriber that stops reading', () => {
  it('is closed once more than maxUnreadBytes wait for it, while it is still paused; what it got is a gapless prefix', async () => {
    t = await createTestApp({ config: { maxUnreadBytes: MAX_UNREAD } });
    const app = t;
    const port = await app.app.start(0, '127.0.0.1');
    const listeners = countBusListeners(app);
    // 64 chunks of 344 KB, one a second of (manual) clock: together far more than the loopback
    // socket buffers of both ends take, so the rest would wait in the server.
    const text = 'All work and no play. '.repeat(1_000_000);
    app.engine.simulated.script({ match: 'Write a lot.', script: { turns: [{ text, outputTokens: 100 }], chunks: 64, latencyMs: 1_000 } });
    const wf = await app.engine.createWorkflow(definitionInput({ steps: [{ id: 'long', name: 'Long', prompt: 'Write a lot.' }] }) as never);

    // A real HTTP client: reads the stream until the run has started, then stops reading.
    const body = JSON.stringify({ query: 'subscription ($id: ID!) { workflowEvents(workflowId: $id) { seq kind outputDelta } }', variables: { id: wf.id } });
    let received = '';
    let ended = false;
    let socket: Socket | undefined;
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/graphql',
          headers: { accept: 'text/event-stream', 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        resolve,
      );
      req.on('socket', (s) => (socket = s));
      req.on('error', reject);
      req.end(body);
    });
    expect(response.headers['content-type']).toContain('text/event-stream');
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => (received += chunk));
    response.on('close', () => (ended = true));
    response.on('error', () => {});
    const started = await app.engine.executeWorkflow(wf.id);
    await until(() => received.includes('STEP_STARTED'), 'the stream delivers the run start');
    expect(listeners()).toBe(1);
    response.pause();
    socket!.pause();

    // Many events are published while it does not read: the server drops it without waiting for it.
    await advanceUntil(app, async () => listeners() === 0 || (await app.engine.getRun(started.run.id))!.status !== 'RUNNING', 1_000);
    await until(() => listeners() === 0, 'the server released the subscription of the paused client');
    expect(ended).toBe(false);

    // Reading again, the client finds the connection ended after a prefix of the events, in order, without `complete`.
    await advanceUntil(app, async () => (await app.engine.getRun(started.run.id))!.status !== 'RUNNING', 1_000);
    socket!.resume();
    response.resume();
    await until(() => ended, 'the client sees the end of the connection');
    const stored = await app.engine.listEvents(wf.id);
    const seqs = seqsIn(received);
    expect(seqs.length).toBeGreaterThan(2);
    expect(seqs.length).toBeLessThan(stored.length);
    expect(seqs).toEqual(stored.slice(0, seqs.length).map((e) => e.seq));
    expect(received).not.toContain('event: complete');
  }, 60_000);
});

describe('a replay to a WebSocket client that stops reading', () => {
  it('stops reading the store ahead once the socket holds more than maxUnreadBytes, and delivers the rest once it reads again', async () => {
    t = await createTestApp({ config: { maxUnreadBytes: MAX_UNREAD } });
    const app = t;
    const port = await app.app.start(0, '127.0.0.1');
    const serverSockets: Socket[] = [];
    app.app.server.on('connection', (s: Socket) => serverSockets.push(s));

    // A long history (about 2,000 events, 22 MB): two runs of 200 steps, each step's output in its own events.
    const steps = Array.from({ length: 200 }, (_, i) => ({ id: `s${i}`, name: `Step ${i}`, prompt: 'Write a page.' }));
    app.engine.simulated.script({ match: 'Write a page.', script: { turns: [{ text: 'Lorem ipsum dolor sit amet. '.repeat(2_000), outputTokens: 10 }] } });
    const wf = await app.engine.createWorkflow(definitionInput({ budgetUsd: 100, steps }) as never);
    for (let run = 0; run < 2; run++) await app.engine.waitForRun((await app.engine.executeWorkflow(wf.id)).run.id);
    const stored = await app.engine.listEvents(wf.id);
    const query = 'subscription ($id: ID!) { workflowEvents(workflowId: $id) { seq kind outputDelta } }';
    const sizes = stored.map((e) => JSON.stringify({ seq: e.seq, kind: e.kind, outputDelta: e.outputDelta ?? null }).length + 80);
    const total = sizes.reduce((a, b) => a + b, 0);
    let largestPage = 0;
    for (let i = 0; i < sizes.length; i += 1)
      largestPage = Math.max(
        largestPage,
        sizes.slice(i, i + REPLAY_PAGE_EVENTS).reduce((a, b) => a + b, 0),
      );
    expect(stored.length).toBeGreaterThan(10 * REPLAY_PAGE_EVENTS);
    expect(total).toBeGreaterThan(20 * 1024 * 1024);

    // A graphql-transport-ws client that subscribes, then reads nothing.
    const client = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws', { maxPayload: 256 * 1024 * 1024 });
    const messages: string[] = [];
    client.on('message', (data) => messages.push(String(data)));
    await new Promise((resolve) => client.once('open', resolve));
    client.send(JSON.stringify({ type: 'connection_init' }));
    await new Promise((resolve) => client.once('message', resolve));
    client.send(JSON.stringify({ id: 'replay', type: 'subscribe', payload: { query, variables: { id: wf.id } } }));
    (client as unknown as { _socket: Socket })._socket.pause();

    // The kernel's buffers fill up, then the server's: the replay must stop there.
    const server = serverSockets.at(-1)!;
    await until(() => server.writableLength > MAX_UNREAD, 'the paused client leaves bytes unread in the server');
    // Let every store read the replay would do next run (reads are served in order).
    for (let i = 0; i < 5; i++) await app.engine.listEvents(wf.id, { afterSeq: stored.length });
    expect(server.writableLength).toBeLessThanOrEqual(MAX_UNREAD + largestPage);
    expect(server.writableLength).toBeLessThan(total / 4);

    // Reading again, it gets the whole replay, in order, and stays subscribed (no 4413).
    let closed = false;
    client.on('close', () => (closed = true));
    (client as unknown as { _socket: Socket })._socket.resume();
    const nextSeqs = () => messages.filter((m) => m.includes('"next"')).map((m) => JSON.parse(m).payload.data.workflowEvents.seq as number);
    await until(() => nextSeqs().length === stored.length, 'the whole replay arrives');
    expect(nextSeqs()).toEqual(stored.map((e) => e.seq));
    expect(closed).toBe(false);
    client.close();
  }, 60_000);
});
