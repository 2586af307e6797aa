/**
 * Events across instances (issue #17, point 4). Two engines on one database (PostgreSQL in its
 * pass, a shared SQLite file in the other), each with its own Redis event bus on one channel, as
 * two API processes would be: a run on engine A reaches engine B's streams and listeners, every
 * event exactly once, in seq order, as stored; A's own listeners are not served twice by the echo.
 * Needs Redis (STAGENT_TEST_REDIS_URL, default the local one): skipped with one line without it,
 * except under CI.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestEngine, redisTestsRun, testRedisUrl, threeStepSequence, type TestEngine } from '@stagent/engine/testing';
import { InvalidRedisUrlError, openRedisEventBus, RedisUnreachableError, type RedisEventBus, type WorkflowEvent } from '@stagent/engine';
import { silentLogger } from '../../src/resources.js';

const runs = await redisTestsRun('Redis event bus');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Two engines ("instances") on one database, each with a Redis bus on one fresh namespace. */
async function twoInstances(): Promise<{ a: TestEngine; b: TestEngine; busA: RedisEventBus; busB: RedisEventBus }> {
  const dir = mkdtempSync(join(tmpdir(), 'stagent-redis-bus-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const namespace = `test-${randomBytes(6).toString('hex')}`;
  const open = async () => {
    const bus = await openRedisEventBus(testRedisUrl(), { namespace, logger: silentLogger });
    cleanups.push(() => bus.close());
    const engine = await createTestEngine({ dataDir: dir, bus });
    cleanups.push(() => engine.close());
    return { engine, bus };
  };
  const first = await open();
  const second = await open();
  return { a: first.engine, b: second.engine, busA: first.bus, busB: second.bus };
}

/** A published event as the store reads it back: a live event may leave out a null stepId or taskId. */
const asStored = (event: WorkflowEvent): WorkflowEvent => ({ ...event, stepId: event.stepId ?? null, taskId: event.taskId ?? null });

/** Resolves once `done()` holds, polling every 5 ms; fails after `timeoutMs`. */
async function until(done: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Waits until every message `from` sent before now has reached `to`'s subscriber: `to` publishes a
 * marker and waits for it to come back through Redis, which delivers one channel's messages in the
 * order it received them.
 */
async function drained(from: RedisEventBus, to: RedisEventBus): Promise<void> {
  const markerWorkflow = `marker-${randomBytes(4).toString('hex')}`;
  let arrived = false;
  const unsubscribe = to.subscribe(markerWorkflow, () => (arrived = true));
  from.publish({ seq: 1, at: 0, kind: 'RUN_STARTED', workflowId: markerWorkflow, runId: markerWorkflow });
  await until(() => arrived, 'the marker');
  unsubscribe();
}

describe.skipIf(!runs)('a Redis event bus per instance, one database', () => {
  it('a stream on instance B gets every event of a run on instance A exactly once, in seq order, as stored', async () => {
    const { a, b, busA, busB } = await twoInstances();
    const wf = await a.engine.createWorkflow(threeStepSequence());
    const streamed: WorkflowEvent[] = [];
    const fromRedis: WorkflowEvent[] = [];
    const publishedByA: WorkflowEvent[] = [];
    busB.subscribe(wf.id, (event) => fromRedis.push(event));
    busA.subscribe(wf.id, (event) => publishedByA.push(event));
    const stream = b.engine.subscribe(wf.id);
    const reading = (async () => {
      for await (const event of stream) {
        streamed.push(event);
        if (event.kind === 'RUN_COMPLETED') break;
      }
    })();

    const { run } = await a.engine.executeWorkflow(wf.id);
    expect((await a.engine.waitForRun(run.id)).status).toBe('COMPLETED');
    await reading;

    const stored = await b.engine.listEvents(wf.id);
    expect(stored.length).toBeGreaterThan(10);
    expect(streamed.map(asStored)).toEqual(stored);
    expect(streamed.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    // Not filled in from the store: Redis delivered every event to B's bus, once, unchanged by the JSON round trip.
    await until(() => fromRedis.length >= stored.length, 'every event on B');
    await drained(busA, busB);
    expect(fromRedis).toEqual(publishedByA);
    expect([...fromRedis].sort((x, y) => x.seq - y.seq).map(asStored)).toEqual(stored);
  });

  it("subscribeAll on B sees A's events, and A's own listeners get each of its events once (its echo is ignored)", async () => {
    const { a, busA, busB } = await twoInstances();
    const onB: WorkflowEvent[] = [];
    const onA: WorkflowEvent[] = [];
    busB.subscribeAll((event) => onB.push(event));
    busA.subscribeAll((event) => onA.push(event));
    const wf = await a.engine.createWorkflow(threeStepSequence());
    const { run } = await a.engine.executeWorkflow(wf.id);
    await a.engine.waitForRun(run.id);
    const stored = await a.engine.listEvents(wf.id);
    // Once B's marker reaches A, A's echoes (sent before it) have come back and were dropped.
    await drained(busA, busB);
    await drained(busB, busA);
    const ofRun = (events: WorkflowEvent[]) =>
      events
        .filter((e) => e.workflowId === wf.id)
        .sort((x, y) => x.seq - y.seq)
        .map(asStored);
    expect(ofRun(onA)).toEqual(stored);
    expect(ofRun(onB)).toEqual(stored);
  });

  it('a listener that throws does not keep the others from events that came through Redis', async () => {
    const { busA, busB } = await twoInstances();
    const received: number[] = [];
    busB.subscribe('wf-isolated', () => {
      throw new Error('listener failure under test');
    });
    busB.subscribe('wf-isolated', (event) => received.push(event.seq));
    const error = console.error;
    console.error = () => {};
    cleanups.push(() => void (console.error = error));
    busA.publish({ seq: 1, at: 0, kind: 'RUN_STARTED', workflowId: 'wf-isolated', runId: 'r1' });
    busA.publish({ seq: 2, at: 0, kind: 'RUN_COMPLETED', workflowId: 'wf-isolated', runId: 'r1' });
    await until(() => received.length === 2, 'both events');
    expect(received).toEqual([1, 2]);
  });
});

describe.skipIf(!runs)('a Redis connection lost after opening', () => {
  it('is logged once, ioredis reconnects and subscribes again, and events flow again', async () => {
    const namespace = `test-${randomBytes(6).toString('hex')}`;
    const logged: string[] = [];
    const logger = {
      info: (m: string) => logged.push(`info: ${m}`),
      warn: (m: string) => logged.push(`warn: ${m}`),
      error: (m: string) => logged.push(`error: ${m}`),
    };
    const sender = await openRedisEventBus(testRedisUrl(), { namespace, logger: silentLogger });
    cleanups.push(() => sender.close());
    const receiver = await openRedisEventBus(testRedisUrl(), { namespace, logger });
    cleanups.push(() => receiver.close());
    const received: number[] = [];
    receiver.subscribe('wf-reconnect', (event) => received.push(event.seq));
    // The server drops the receiver's subscriber connection (found by its local port), as a Redis restart would.
    const subscriberPort = (receiver as unknown as { subscriber: { stream: { localPort: number } } }).subscriber.stream.localPort;
    const admin = new Redis(testRedisUrl());
    cleanups.push(() => void admin.disconnect());
    const clients = (await admin.call('CLIENT', 'LIST')) as string;
    const id = /\bid=(\d+)/.exec(clients.split('\n').find((line) => line.includes(`:${subscriberPort} `)) ?? '')?.[1];
    expect(id).toBeDefined();
    await admin.call('CLIENT', 'KILL', 'ID', id!);
    await until(() => logged.some((line) => line.startsWith('info: Redis subscriber connection restored')), 'the reconnect');
    expect(logged).toEqual([expect.stringMatching(/^warn: Redis subscriber connection lost; reconnecting\./), 'info: Redis subscriber connection restored']);
    // Subscribed again: an event published now arrives.
    await until(() => {
      sender.publish({ seq: received.length + 1, at: 0, kind: 'RUN_STARTED', workflowId: 'wf-reconnect', runId: 'r1' });
      return received.length > 0;
    }, 'an event after the reconnect');
  });
});

describe('opening a Redis event bus that cannot be used', () => {
  it('an unreachable server is one clear error within the connect timeout, the password masked', async () => {
    const started = Date.now();
    const opening = openRedisEventBus('redis://:s3cret-pw@127.0.0.1:1', { namespace: 'unreachable', logger: silentLogger, connectTimeoutMs: 2_000 });
    const error = await opening.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RedisUnreachableError);
    expect((error as Error).message).toMatch(
      /^Cannot connect to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1 \(.*ECONNREFUSED.*\)\. Start the server or correct STAGENT_REDIS_URL/,
    );
    expect((error as Error).message).not.toContain('s3cret-pw');
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it('a server that accepts the connection but never answers fails at the timeout', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      for (const socket of sockets) socket.destroy();
      silent.close();
    });
    const { port } = silent.address() as AddressInfo;
    const started = Date.now();
    const error = await openRedisEventBus(`redis://127.0.0.1:${port}`, { namespace: 'silent', logger: silentLogger, connectTimeoutMs: 500 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RedisUnreachableError);
    expect((error as Error).message).toContain(`Cannot connect to Redis at redis://127.0.0.1:${port} (no answer within 500 ms)`);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('a URL that is not redis:// or rediss:// is refused before connecting', async () => {
    await expect(openRedisEventBus('http://u:pw@127.0.0.1:6379', { namespace: 'x' })).rejects.toThrow(InvalidRedisUrlError);
    await expect(openRedisEventBus('http://u:pw@127.0.0.1:6379', { namespace: 'x' })).rejects.toThrow(
      'STAGENT_REDIS_URL http://u:***@127.0.0.1:6379 is not usable: the scheme is "http", not redis or rediss.',
    );
  });
});
