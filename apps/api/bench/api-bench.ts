/**
 * API benchmark (not a test): requests/s of the dashboard's 50-workflow nested list query
 * against a bare graphql-yoga hello-world measured in the same run (the ratio is the figure that
 * travels between machines), and event delivery latency from the engine to 1 and to 500
 * graphql-ws subscribers. Loopback only; every loop is bounded. Merges its figures into
 * bench/results.json (flat keys `api.*`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Engine, silentLogger } from '@stagent/engine';
import { createClient } from 'graphql-ws';
import { createSchema, createYoga } from 'graphql-yoga';
import WebSocket from 'ws';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

const RESULTS = fileURLToPath(new URL('../../../bench/results.json', import.meta.url));
const WORKFLOWS = 50;
const CONCURRENCY = 8;
const WARMUP_REQUESTS = 200;
const MEASURE_MS = 4_000;
const MAX_REQUESTS = 200_000;

/** The dashboard's workflow list (apps/web WorkflowsQuery), for 50 workflows with one run each. */
const LIST_QUERY = /* GraphQL */ `query List {
  workflows(first: 50) { totalCount nodes {
    id name description pattern status updatedAt steps { id }
    latestRun { id runNumber status startedAt finishedAt costUsd inputTokens outputTokens failureCategory steps { stepId name status costUsd budgetUsd } }
    runs(first: 50) { id status }
  } }
}`;

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

/** Runs one workflow while `subscribers` graphql-ws clients follow it; returns delivery latencies (ms, receive time - event time). */
async function eventLatencies(engine: Engine, wsUrl: string, workflowId: string, subscribers: number): Promise<number[]> {
  const stored = await engine.listEvents(workflowId);
  const afterSeq = stored.at(-1)?.seq ?? 0;
  const latencies: number[] = [];
  const clients = Array.from({ length: subscribers }, () => createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false }));
  await Promise.all(clients.map((c) => new Promise<void>((resolve) => c.on('connected', () => resolve()))));
  let ready = 0;
  const finished = clients.map(
    (client) =>
      new Promise<void>((resolve, reject) => {
        const timeout = setTimeout(() => reject(new Error('subscriber timed out')), 60_000);
        const stop = client.subscribe<{ workflowEvents: { at: string; kind: string } }>(
          { query: `subscription ($id: ID!, $after: Int) { workflowEvents(workflowId: $id, afterSeq: $after) { seq at kind } }`, variables: { id: workflowId, after: afterSeq } },
          {
            next: ({ data }) => {
              const event = data?.workflowEvents;
              if (!event) return;
              latencies.push(Date.now() - Date.parse(event.at));
              if (event.kind === 'RUN_COMPLETED' || event.kind === 'RUN_FAILED') {
                clearTimeout(timeout);
                stop();
                resolve();
              }
            },
            error: reject,
            complete: () => resolve(),
          },
        );
        ready += 1;
      }),
  );
  // Subscriptions are registered once the server has replayed nothing (no events after afterSeq yet).
  await new Promise((resolve) => setTimeout(resolve, 200 + subscribers * 2));
  const started = await engine.executeWorkflow(workflowId);
  await Promise.all(finished);
  await engine.waitForRun(started.run.id);
  await Promise.all(clients.map((c) => c.dispose()));
  if (ready !== subscribers) throw new Error('not every subscriber subscribed');
  return latencies.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const engine = await Engine.open({ dataDir: ':memory:', logger: silentLogger, timers: false, simulatedLatencyMs: 10 });
  await engine.start();
  const docs = [];
  for (const name of ['brief.md', 'data.md']) docs.push((await engine.createDocument({ name, mimeType: 'text/markdown', content: `# ${name}\n${'Fact. '.repeat(200)}` })).id);
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

  const app = createApp({ engine, config: { ...loadConfig({ NODE_ENV: 'production' }), dataDir: ':memory:' }, logger: { info() {}, error: (m, d) => console.error(m, d) } });
  const port = await app.start(0, '127.0.0.1');
  const hello = createServer(createYoga({ schema: createSchema({ typeDefs: 'type Query { hello: String! }', resolvers: { Query: { hello: () => 'world' } } }), logging: false }));
  const helloPort = await listen(hello);

  const listRps = await requestsPerSecond(`http://127.0.0.1:${port}/graphql`, LIST_QUERY);
  const helloRps = await requestsPerSecond(`http://127.0.0.1:${helloPort}/graphql`, '{ hello }');
  const one = await eventLatencies(engine, `ws://127.0.0.1:${port}/graphql`, ids[0], 1);
  const many = await eventLatencies(engine, `ws://127.0.0.1:${port}/graphql`, ids[1], 500);

  const figures: Record<string, number> = {
    'api.listQueryRps': Math.round(listRps),
    'api.helloWorldRps': Math.round(helloRps),
    'api.listQueryRatio': Number((listRps / helloRps).toFixed(3)),
    'api.eventLatencyP50Ms.1': percentile(one, 50),
    'api.eventLatencyP99Ms.1': percentile(one, 99),
    'api.eventLatencyP50Ms.500': percentile(many, 50),
    'api.eventLatencyP99Ms.500': percentile(many, 99),
    'api.eventsDelivered.500': many.length,
  };
  console.log(JSON.stringify(figures, null, 2));
  let existing: Record<string, unknown> = {};
  try {
    existing = JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>;
  } catch {
    existing = {};
  }
  writeFileSync(RESULTS, `${JSON.stringify({ ...existing, ...figures }, null, 2)}\n`);

  await app.stop();
  await new Promise((resolve) => hello.close(resolve));
  await engine.close();
}

await main();
