/**
 * API benchmark (not a test): requests/s of the dashboard's 50-workflow nested list query
 * against a bare graphql-yoga hello-world measured in the same run (the ratio is the figure that
 * travels between machines), and event delivery latency from the engine to 1 and to 500
 * graphql-ws subscribers. Loopback only; every loop is bounded. Merges its figures into
 * bench/results.json (flat keys `api.*`).
 *
 * The list is measured twice: on the server as it ships (`api.listQueryRatio`: the data does not
 * change between requests, so the engine answers lists from its read cache, see
 * packages/engine/src/db/read-cache.ts) and on a second server whose engine reads SQLite for
 * every request (`api.listQueryRatioUncached`: what a list costs right after a write). A third
 * server keeps its rows in PostgreSQL (`api.pg.listQueryRatio`; a database the bench creates and
 * drops), where the engine keeps no read cache: every list reads the database.
 *
 * Latency: the subscribers stay connected while a two-step workflow that streams output runs
 * three times (about 28 events a run). p50/p99 are over every delivery of the three runs;
 * `api.eventLatencyP99Ms.500.firstRun` is the run that starts right after 500 clients connected
 * (the connection burst's garbage is still being collected then), `api.eventLatencyMaxMs.500`
 * the worst single delivery.
 */
import { fork } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Engine, silentLogger } from '@stagent/engine';
import { mergeResults, probeTestPostgres, scratchPostgresDatabase } from '@stagent/engine/testing';
import { createSchema, createYoga } from 'graphql-yoga';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

const WORKFLOWS = 50;
const CONCURRENCY = 8;
const WARMUP_REQUESTS = 50;
const MEASURE_MS = 2_000;
const ROUNDS = 3;
const MAX_REQUESTS = 200_000;
/** Runs measured per latency probe, with the same subscribers connected throughout (the first one right after they connected). */
const LATENCY_RUNS = 3;

/** The dashboard's workflow list (apps/web WorkflowsQuery), for 50 workflows with one run each. */
const LIST_QUERY = /* GraphQL */ `
  query List {
    workflows(first: 50) {
      totalCount
      nodes {
        id
        name
        description
        pattern
        status
        updatedAt
        steps {
          id
        }
        latestRun {
          id
          runNumber
          status
          startedAt
          finishedAt
          costUsd
          inputTokens
          outputTokens
          failureCategory
          steps {
            stepId
            name
            status
            costUsd
            budgetUsd
          }
        }
        runs(first: 50) {
          id
          status
        }
      }
    }
  }
`;

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** Sends the same POST from `CONCURRENCY` loops for `MEASURE_MS` (after a warm-up); returns requests per second. */
async function requestsPerSecond(url: string, query: string): Promise<number> {
  const body = JSON.stringify({ query });
  const once = async () => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const json = (await res.json()) as { errors?: unknown[] };
    if (res.status !== 200 || json.errors) throw new Error(`bench request failed: ${res.status} ${JSON.stringify(json.errors)}`);
  };
  for (let i = 0; i < WARMUP_REQUESTS; i++) await once();
  // Warm-up: JIT, the parse/validation cache and keep-alive connections.
  let done = 0;
  const start = performance.now();
  const deadline = start + MEASURE_MS;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline && done < MAX_REQUESTS) {
        await once();
        done += 1;
      }
    }),
  );
  return done / ((performance.now() - start) / 1000);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * Runs one workflow (which has run before: see subscribers.mjs) `LATENCY_RUNS` times in a row
 * while `subscribers` graphql-ws clients (in a child process) stay subscribed to it; returns the
 * delivery latencies of each run (ms, receive time - event time).
 */
async function eventLatencies(engine: Engine, wsUrl: string, workflowId: string, subscribers: number): Promise<number[][]> {
  const lastStoredSeq = (await engine.listEvents(workflowId)).at(-1)?.seq;
  if (!lastStoredSeq) throw new Error('the latency probe must have run once: its last stored event tells when subscribers are registered');
  const child = fork(fileURLToPath(new URL('./subscribers.mjs', import.meta.url)), { stdio: 'inherit' });
  const messages: { type: string; latencies?: number[][]; message?: string }[] = [];
  let notify: (() => void) | null = null;
  child.on('message', (m) => {
    messages.push(m as (typeof messages)[number]);
    notify?.();
  });
  const next = async () => {
    while (!messages.length) await new Promise<void>((resolve) => (notify = resolve));
    return messages.shift()!;
  };
  child.send({ url: wsUrl, workflowId, lastStoredSeq, count: subscribers, runs: LATENCY_RUNS });
  const ready = await next();
  if (ready.type !== 'subscribed') throw new Error(`subscribers failed: ${ready.message}`);
  for (let run = 0; run < LATENCY_RUNS; run++) await engine.waitForRun((await engine.executeWorkflow(workflowId)).run.id);
  const result = await next();
  if (result.type !== 'done' || !result.latencies) throw new Error(`subscribers failed: ${result.message}`);
  return result.latencies;
}

const sorted = (latencies: number[]): number[] => [...latencies].sort((a, b) => a - b);

/** 50 workflows of two steps with one finished run each, as the list query reads them. */
async function seedWorkflows(engine: Engine): Promise<void> {
  const docs = [];
  for (const name of ['brief.md', 'data.md'])
    docs.push((await engine.createDocument({ name, mimeType: 'text/markdown', content: `# ${name}\n${'Fact. '.repeat(200)}` })).id);
  const ids: string[] = [];
  for (let i = 0; i < WORKFLOWS; i++) {
    const wf = await engine.createWorkflow({
      name: `Bench workflow ${i}`,
      pattern: 'SEQUENCE',
      runtimeId: 'simulated',
      documentIds: [docs[0]],
      steps: [
        { id: 'research', name: 'Research', prompt: 'Research the topic.', documentIds: [docs[1]] },
        { id: 'write', name: 'Write', prompt: 'Write it up.' },
      ],
    });
    ids.push(wf.id);
  }
  for (const id of ids) await engine.waitForRun((await engine.executeWorkflow(id)).run.id);
}

async function main(): Promise<void> {
  const hello = createServer(
    createYoga({ schema: createSchema({ typeDefs: 'type Query { hello: String! }', resolvers: { Query: { hello: () => 'world' } } }), logging: false }),
  );
  const helloPort = await listen(hello);
  const engine = await Engine.open({ dataDir: ':memory:', logger: silentLogger, timers: false, simulatedLatencyMs: 0 });
  await engine.start();
  await seedWorkflows(engine);
  const uncachedEngine = await Engine.open({ dataDir: ':memory:', logger: silentLogger, timers: false, simulatedLatencyMs: 0, readCache: false });
  await uncachedEngine.start();
  await seedWorkflows(uncachedEngine);
  const postgresMissing = await probeTestPostgres();
  const postgres = postgresMissing ? null : await scratchPostgresDatabase('apibench');
  const pgEngine = postgres
    ? await Engine.open({ dataDir: ':memory:', databaseUrl: postgres.url, logger: silentLogger, timers: false, simulatedLatencyMs: 0 })
    : null;
  if (pgEngine) {
    await pgEngine.start();
    await seedWorkflows(pgEngine);
  } else console.log(`PostgreSQL list figures skipped: ${postgresMissing}`);
  // The latency probes stream a chunk every 100 ms of wall time: about the ten events a second per
  // step that the engine coalesces output deltas to, i.e. a live run's real event rate.
  engine.simulated.script({ match: 'Latency probe', script: { latencyMs: 100, chunks: 10 } });
  const probes: string[] = [];
  for (const subscribers of [1, 500]) {
    const wf = await engine.createWorkflow({
      name: `Latency probe ${subscribers}`,
      pattern: 'SEQUENCE',
      runtimeId: 'simulated',
      steps: [
        { id: 'first', name: 'First', prompt: 'Latency probe: write the first part.' },
        { id: 'second', name: 'Second', prompt: 'Latency probe: write the second part.' },
      ],
    });
    probes.push(wf.id);
    // One unobserved run first: its last event is what each subscriber's replay shows.
    await engine.waitForRun((await engine.executeWorkflow(wf.id)).run.id);
  }

  const config = { ...loadConfig({ NODE_ENV: 'production' }), dataDir: ':memory:' };
  const logger = { info() {}, error: (m: string, d?: Record<string, unknown>) => console.error(m, d) };
  const app = createApp({ engine, config, logger });
  const port = await app.start(0, '127.0.0.1');
  const uncachedApp = createApp({ engine: uncachedEngine, config, logger });
  const uncachedPort = await uncachedApp.start(0, '127.0.0.1');
  const pgApp = pgEngine ? createApp({ engine: pgEngine, config, logger }) : null;
  const pgPort = pgApp ? await pgApp.start(0, '127.0.0.1') : 0;

  // Alternate the measurements (3 rounds each) so that load changes on the machine hit all alike.
  let listRps = 0;
  let uncachedListRps = 0;
  let helloRps = 0;
  let pgListRps = 0;
  for (let round = 0; round < ROUNDS; round++) {
    listRps += (await requestsPerSecond(`http://127.0.0.1:${port}/graphql`, LIST_QUERY)) / ROUNDS;
    helloRps += (await requestsPerSecond(`http://127.0.0.1:${helloPort}/graphql`, '{ hello }')) / ROUNDS;
    uncachedListRps += (await requestsPerSecond(`http://127.0.0.1:${uncachedPort}/graphql`, LIST_QUERY)) / ROUNDS;
    if (pgApp) pgListRps += (await requestsPerSecond(`http://127.0.0.1:${pgPort}/graphql`, LIST_QUERY)) / ROUNDS;
  }
  await uncachedApp.stop();
  await uncachedEngine.close();
  await pgApp?.stop();
  await pgEngine?.close();
  await postgres?.drop();
  const one = await eventLatencies(engine, `ws://127.0.0.1:${port}/graphql`, probes[0], 1);
  const many = await eventLatencies(engine, `ws://127.0.0.1:${port}/graphql`, probes[1], 500);
  const allOne = sorted(one.flat());
  const allMany = sorted(many.flat());

  const figures: Record<string, number> = {
    'api.listQueryRps': Math.round(listRps),
    'api.helloWorldRps': Math.round(helloRps),
    'api.listQueryRatio': Number((listRps / helloRps).toFixed(3)),
    'api.listQueryRpsUncached': Math.round(uncachedListRps),
    'api.listQueryRatioUncached': Number((uncachedListRps / helloRps).toFixed(3)),
    ...(pgApp ? { 'api.pg.listQueryRps': Math.round(pgListRps), 'api.pg.listQueryRatio': Number((pgListRps / helloRps).toFixed(3)) } : {}),
    'api.eventLatencyP50Ms.1': percentile(allOne, 50),
    'api.eventLatencyP99Ms.1': percentile(allOne, 99),
    'api.eventLatencyP50Ms.500': percentile(allMany, 50),
    'api.eventLatencyP99Ms.500': percentile(allMany, 99),
    'api.eventLatencyP99Ms.500.firstRun': percentile(sorted(many[0]!), 99),
    'api.eventLatencyMaxMs.500': allMany.at(-1)!,
    'api.eventsDelivered.500': allMany.length,
  };
  console.log(JSON.stringify(figures, null, 2));
  mergeResults(figures);

  await app.stop();
  await new Promise((resolve) => hello.close(resolve));
  await engine.close();
}

await main();
