/**
 * Scale-out benchmark (not a test; issue #17): 200 workflows of 5 steps on the simulated runtime,
 * every model call taking 50 ms, on PostgreSQL with the run queue, driven by 1 and then by 2
 * worker processes (STAGENT_WORKER_CONCURRENCY 4 each) while this process is the api instance
 * that starts them (all enqueued before the workers start taking jobs). Figures: runs/s and steps/s for each, the ratio of 2 workers to 1 (target
 * >= 1.7), and the delivery latency of events from a run driven by a worker to 200 graphql-ws
 * subscribers of this api instance (through Redis; p50 and p99, target p99 <= 50 ms). Merges
 * `scale.*` into bench/results.json. Without PostgreSQL or Redis it says so in one line and ends.
 */
import { randomBytes } from 'node:crypto';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Engine, openRedisEventBus, silentLogger, type RedisEventBus } from '@stagent/engine';
import { mergeResults, probeTestPostgres, probeTestRedis, scratchPostgresDatabase, testRedisUrl } from '@stagent/engine/testing';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

const WORKFLOWS = 200;
const STEPS = 5;
const CALL_MS = 50;
const CONCURRENCY = 4;
const SUBSCRIBERS = 200;
const LATENCY_RUNS = 3;

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

/** Messages of a child, in order. */
function inbox(child: ChildProcess): () => Promise<{ type: string; latencies?: number[][]; message?: string }> {
  const queue: { type: string; latencies?: number[][]; message?: string }[] = [];
  let wake: (() => void) | null = null;
  child.on('message', (m) => {
    queue.push(m as (typeof queue)[number]);
    wake?.();
  });
  return async () => {
    while (!queue.length) await new Promise<void>((resolve) => (wake = resolve));
    return queue.shift()!;
  };
}

async function startWorker(databaseUrl: string, namespace: string): Promise<ChildProcess> {
  const child = fork(fileURLToPath(new URL('./scale-worker.ts', import.meta.url)), {
    execArgv: ['--conditions=@stagent/source', '--import', 'tsx'],
    stdio: 'inherit',
  });
  const next = inbox(child);
  child.send({ databaseUrl, redisUrl: testRedisUrl(), namespace, concurrency: CONCURRENCY, callMs: CALL_MS });
  const ready = await next();
  if (ready.type !== 'ready') throw new Error(`worker failed: ${ready.message}`);
  return child;
}

async function stopWorker(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.send({ type: 'close' });
  await exited;
}

/** The api instance of one measurement: an engine on a fresh database, scaled out, with its Redis bus. */
async function apiInstance(): Promise<{ engine: Engine; bus: RedisEventBus; databaseUrl: string; namespace: string; close(): Promise<void> }> {
  const database = await scratchPostgresDatabase('scale_bench');
  const namespace = `bench-${randomBytes(6).toString('hex')}`;
  const bus = await openRedisEventBus(testRedisUrl(), { namespace, logger: silentLogger });
  const engine = await Engine.open({ dataDir: ':memory:', databaseUrl: database.url, logger: silentLogger, bus, role: 'api', scaleOut: { concurrency: 1 } });
  await engine.start();
  return {
    engine,
    bus,
    databaseUrl: database.url,
    namespace,
    async close() {
      await engine.close();
      await bus.close();
      await database.drop();
    },
  };
}

async function createWorkflows(engine: Engine, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const steps = Array.from({ length: STEPS }, (_, s) => ({ id: `s${s + 1}`, name: `Step ${s + 1}`, prompt: `Step ${s + 1} of workflow ${i}.` }));
    ids.push((await engine.createWorkflow({ name: `Scale ${i}`, pattern: 'SEQUENCE', runtimeId: 'simulated', steps })).id);
  }
  return ids;
}

/**
 * Drives every workflow once through the queue with `workers` worker processes: the runs are
 * started (enqueued) first, then every worker starts taking jobs at once. Seconds from then to the
 * last completion: the workers' throughput, not the api instance's rate of starting runs.
 */
async function throughput(workers: number): Promise<number> {
  const api = await apiInstance();
  const children: ChildProcess[] = [];
  try {
    const ids = await createWorkflows(api.engine, WORKFLOWS);
    for (let i = 0; i < workers; i++) children.push(await startWorker(api.databaseUrl, api.namespace));
    const runIds = [];
    for (const id of ids) runIds.push((await api.engine.executeWorkflow(id)).run.id);
    const started = performance.now();
    for (const child of children) child.send({ type: 'go' });
    for (const runId of runIds) {
      const run = await api.engine.waitForRun(runId);
      if (run.status !== 'COMPLETED') throw new Error(`run ended ${run.status}: ${run.error}`);
    }
    return (performance.now() - started) / 1000;
  } finally {
    for (const child of children) await stopWorker(child);
    await api.close();
  }
}

/** Delivery latency (ms) of the events of runs driven by a worker process to SUBSCRIBERS graphql-ws clients of this api instance. */
async function crossInstanceLatency(): Promise<number[]> {
  const api = await apiInstance();
  const worker = await startWorker(api.databaseUrl, api.namespace);
  worker.send({ type: 'go' });
  const config = { ...loadConfig({ NODE_ENV: 'production' }), dataDir: ':memory:' };
  const app = createApp({ engine: api.engine, config, logger: { info() {}, error: (m: string, d?: Record<string, unknown>) => console.error(m, d) } });
  const port = await app.start(0, '127.0.0.1');
  const subscribers = fork(fileURLToPath(new URL('./subscribers.mjs', import.meta.url)), { stdio: 'inherit' });
  try {
    const [id] = await createWorkflows(api.engine, 1);
    // One run first: the subscribers register from its last stored event (see subscribers.mjs).
    await api.engine.waitForRun((await api.engine.executeWorkflow(id!)).run.id);
    const lastStoredSeq = (await api.engine.listEvents(id!)).at(-1)!.seq;
    const next = inbox(subscribers);
    subscribers.send({ url: `ws://127.0.0.1:${port}/graphql`, workflowId: id, lastStoredSeq, count: SUBSCRIBERS, runs: LATENCY_RUNS });
    const ready = await next();
    if (ready.type !== 'subscribed') throw new Error(`subscribers failed: ${ready.message}`);
    for (let run = 0; run < LATENCY_RUNS; run++) await api.engine.waitForRun((await api.engine.executeWorkflow(id!)).run.id);
    const done = await next();
    if (done.type !== 'done' || !done.latencies) throw new Error(`subscribers failed: ${done.message}`);
    return done.latencies.flat();
  } finally {
    await app.stop();
    await stopWorker(worker);
    await api.close();
  }
}

async function main(): Promise<void> {
  const postgresDown = await probeTestPostgres();
  const redisDown = await probeTestRedis();
  if (postgresDown || redisDown) {
    console.log(`scale: skipped, it needs PostgreSQL and Redis (${postgresDown ?? redisDown}).`);
    return;
  }
  const one = await throughput(1);
  const two = await throughput(2);
  const latencies = await crossInstanceLatency();
  const figures = {
    'scale.workflows': WORKFLOWS,
    'scale.stepsPerWorkflow': STEPS,
    'scale.callMs': CALL_MS,
    'scale.runsPerSecond.1': Number((WORKFLOWS / one).toFixed(2)),
    'scale.runsPerSecond.2': Number((WORKFLOWS / two).toFixed(2)),
    'scale.stepsPerSecond.1': Number(((WORKFLOWS * STEPS) / one).toFixed(1)),
    'scale.stepsPerSecond.2': Number(((WORKFLOWS * STEPS) / two).toFixed(1)),
    'scale.throughputRatio': Number((one / two).toFixed(3)),
    'scale.eventLatencyP50Ms.200': percentile(latencies, 50),
    'scale.eventLatencyP99Ms.200': percentile(latencies, 99),
  };
  console.log(
    `scale: ${WORKFLOWS} workflows x ${STEPS} steps, ${CALL_MS} ms per call: 1 worker ${figures['scale.runsPerSecond.1']} runs/s (${figures['scale.stepsPerSecond.1']} steps/s), ` +
      `2 workers ${figures['scale.runsPerSecond.2']} runs/s (${figures['scale.stepsPerSecond.2']} steps/s), ratio ${figures['scale.throughputRatio']} (target >= 1.7); ` +
      `events to ${SUBSCRIBERS} subscribers on another instance p50 ${figures['scale.eventLatencyP50Ms.200']} ms, p99 ${figures['scale.eventLatencyP99Ms.200']} ms (target <= 50)`,
  );
  mergeResults(figures);
}

await main();
process.exit(0);
