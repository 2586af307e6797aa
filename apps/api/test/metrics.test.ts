import { request } from 'node:http';
import { silentLogger, type Engine } from '@stagent/engine';
import { forDialect, redisTestsRun, testDatabase, testDialect, testRedisUrl, type TestDatabase } from '@stagent/engine/testing';
import { createClient, type Client } from 'graphql-ws';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openEngine, type OpenedEngine } from '../src/engine-factory.js';
import { createMetrics } from '../src/telemetry/metrics.js';
import { testConfig } from './harness.js';

/** Scaled out needs PostgreSQL and Redis: the PostgreSQL pass checks the queue and instance gauges when Redis answers. */
const redisForScaleOut = testDialect() === 'postgres' && (await redisTestsRun('Scaled-out metrics'));

/** One sample line of the Prometheus text format: `name{label="value",...} value`. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"(,|$)/y;

/** Parses the Prometheus text exposition format (0.0.4), refusing any line that is neither empty, a comment of its kinds nor a sample. */
function parsePrometheus(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const comment = /^# (HELP|TYPE) (\S+) (.+)$/.exec(line);
      if (!comment || !METRIC_NAME.test(comment[2]!)) throw new Error(`not a HELP or TYPE line: ${line}`);
      if (comment[1] === 'TYPE') types.set(comment[2]!, comment[3]!);
      continue;
    }
    const sample = /^([^{\s]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample || !METRIC_NAME.test(sample[1]!)) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    const body = sample[2] ?? '';
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < body.length) {
      const match = LABEL.exec(body);
      if (!match) throw new Error(`bad labels in ${JSON.stringify(line)}`);
      labels[match[1]!] = match[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    const raw = sample[3]!;
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    // Prometheus reads values with Go's ParseFloat, which takes NaN in any case; prom-client writes
    // `Nan` (e.g. the event-loop lag mean before its first sample).
    if (Number.isNaN(value) && raw.toLowerCase() !== 'nan') throw new Error(`bad value in ${JSON.stringify(line)}`);
    samples.push({ name: sample[1]!, labels, value });
  }
  return { samples, types };
}

/** Sum of the samples named `name` whose labels include `labels`. */
function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);
}

let opened: OpenedEngine | undefined;
let database: TestDatabase | undefined;
let app: App | undefined;
let client: Client | undefined;
afterEach(async () => {
  await client?.dispose();
  await app?.stop();
  await opened?.close();
  await database?.release();
  client = app = opened = database = undefined;
});

/**
 * The engine as `stagent serve` opens it (counting bus, telemetry, gauges), on this pass's
 * database, and an app with metrics. `scaledOut`: an api instance on PostgreSQL and Redis, whose
 * runs wait in the run queue for a worker.
 */
async function serveWithMetrics(apiToken: string | null = null, scaledOut = false) {
  database = await testDatabase(':memory:');
  const metrics = createMetrics();
  const location = database.location;
  opened = await openEngine(
    {
      dataDir: location.dataDir ?? ':memory:',
      databaseUrl: location.databaseUrl ?? null,
      redisUrl: scaledOut ? testRedisUrl() : null,
      ...(scaledOut ? { role: 'api' as const } : {}),
    },
    { timers: false, logger: silentLogger, telemetry: metrics.telemetry, metrics, fanOut: scaledOut, scaleOut: scaledOut },
  );
  await opened.engine.start();
  app = createApp({ engine: opened.engine, config: testConfig({ apiToken }), metrics, logger: { info() {}, error() {} } });
  const port = await app.start(0, '127.0.0.1');
  return { engine: opened.engine, port, url: `http://127.0.0.1:${port}/metrics` };
}

async function scrape(url: string) {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parsePrometheus(await response.text());
}

/** Every row of the usage ledger, summed by runtime and model. */
async function ledgerSums(engine: Engine) {
  const rows = (await engine.resources.orm.em
    .fork()
    .getConnection()
    .execute('select runtime_id, model_id, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_micros from usage_ledger', [])) as Record<
    string,
    string | number
  >[];
  return rows.map((r) => ({
    runtime: String(r.runtime_id),
    model: String(r.model_id),
    input: Number(r.input_tokens),
    output: Number(r.output_tokens),
    cache_read: Number(r.cache_read_tokens),
    cache_write: Number(r.cache_write_tokens),
    costUsd: Number(r.cost_micros) / 1e6,
  }));
}

const EVENTS = /* GraphQL */ `
  subscription ($id: ID!) {
    workflowEvents(workflowId: $id, afterSeq: 0) {
      seq
      kind
    }
  }
`;

describe('GET /metrics', () => {
  it('after a 3-step run with one tool call, parses as Prometheus text and its counters match the usage ledger', { timeout: 60_000 }, async () => {
    const { engine, port, url } = await serveWithMetrics();
    const doc = await engine.createDocument({ name: 'Notes.md', mimeType: 'text/markdown', content: 'Market notes: x y z.' });
    // The simulator searches the documents bound to a step once, then answers: one tool call, in the first step.
    const workflow = await engine.createWorkflow({
      name: 'Measured',
      pattern: 'SEQUENCE',
      runtimeId: 'simulated',
      steps: [
        { id: 's1', name: 'Search', prompt: 'Search the notes.', documentIds: [doc.id] },
        { id: 's2', name: 'Analyse', prompt: 'Analyse them.' },
        { id: 's3', name: 'Report', prompt: 'Report.' },
      ],
    });

    // A live subscriber for the whole run: counted, and its deliveries timed.
    client = createClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
    const received: string[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      client!.subscribe<{ workflowEvents: { kind: string } }>(
        { query: EVENTS, variables: { id: workflow.id } },
        {
          next: (value) => {
            const kind = value.data?.workflowEvents.kind;
            if (kind) received.push(kind);
            if (kind === 'RUN_COMPLETED') resolve();
          },
          error: reject,
          complete: () => undefined,
        },
      );
    });
    await expect.poll(async () => total((await scrape(url)).samples, 'stagent_subscribers')).toBe(1);

    const run = (await engine.executeWorkflow(workflow.id)).run;
    await ended;
    expect((await engine.waitForRun(run.id)).status).toBe('COMPLETED');

    const { samples, types } = await scrape(url);
    const ledger = await ledgerSums(engine);
    expect(ledger.length).toBeGreaterThanOrEqual(4); // two turns in the step that searched, one in each other

    expect(total(samples, 'stagent_runs_total')).toBe(1);
    expect(total(samples, 'stagent_runs_total', { status: 'COMPLETED' })).toBe(1);
    expect(total(samples, 'stagent_steps_total')).toBe(3);
    expect(total(samples, 'stagent_steps_total', { status: 'COMPLETED', failure_category: 'none' })).toBe(3);
    expect(total(samples, 'stagent_tool_calls_total')).toBe(1);
    expect(total(samples, 'stagent_tool_calls_total', { status: 'SUCCEEDED' })).toBe(1);

    // Per runtime and model, exactly what the ledger holds.
    const pairs = [...new Set(ledger.map((r) => `${r.runtime}\u0000${r.model}`))].map((p) => p.split('\u0000') as [string, string]);
    expect(samples.filter((s) => s.name === 'stagent_model_calls_total').map((s) => [s.labels.runtime, s.labels.model])).toEqual(pairs);
    for (const [runtime, model] of pairs) {
      const rows = ledger.filter((r) => r.runtime === runtime && r.model === model);
      const labels = { runtime, model };
      expect(total(samples, 'stagent_model_calls_total', labels)).toBe(rows.length);
      expect(total(samples, 'stagent_model_call_duration_seconds_count', labels)).toBe(rows.length);
      for (const kind of ['input', 'output', 'cache_read', 'cache_write'] as const) {
        expect(total(samples, 'stagent_tokens_total', { ...labels, kind })).toBe(rows.reduce((sum, r) => sum + r[kind], 0));
      }
      expect(total(samples, 'stagent_cost_usd_total', labels)).toBeCloseTo(
        rows.reduce((sum, r) => sum + r.costUsd, 0),
        9,
      );
    }
    expect(total(samples, 'stagent_tokens_total', { kind: 'output' })).toBeGreaterThan(0);
    expect(total(samples, 'stagent_cost_usd_total')).toBeGreaterThan(0);

    // Every event this process committed was published once: the store holds exactly those.
    expect(total(samples, 'stagent_events_published_total')).toBe((await engine.listEvents(workflow.id)).length);
    // The subscriber got the run's events live: each batch written was timed.
    expect(received).toContain('TOOL_FINISHED');
    const fanouts = total(samples, 'stagent_event_fanout_seconds_count');
    expect(fanouts).toBeGreaterThan(0);
    expect(fanouts).toBeLessThanOrEqual(received.length);
    expect(total(samples, 'stagent_subscribers')).toBe(1);
    expect(total(samples, 'stagent_mcp_servers_connected')).toBe(0);
    // One instance on its own database: no queue, no deployment to count.
    expect(samples.some((s) => s.name === 'stagent_queued_runs' || s.name === 'stagent_instances')).toBe(false);

    expect(types.get('stagent_runs_total')).toBe('counter');
    expect(types.get('stagent_model_call_duration_seconds')).toBe('histogram');
    expect(types.get('stagent_event_fanout_seconds')).toBe('histogram');
    expect(types.get('stagent_subscribers')).toBe('gauge');
    // The process metrics under their usual names.
    expect(types.get('process_cpu_seconds_total')).toBe('counter');

    await client.dispose();
    client = undefined;
    await expect.poll(async () => total((await scrape(url)).samples, 'stagent_subscribers')).toBe(0);
  });

  it('with a token: 401 without it or with a wrong one, 200 with it; GET only', async () => {
    const { url } = await serveWithMetrics('m3trics-t0ken');
    const none = await fetch(url);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await none.text()).not.toContain('stagent_');
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong-token' } })).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'm3trics-t0ken' } })).status).toBe(401);
    const right = await fetch(url, { headers: { authorization: 'Bearer m3trics-t0ken' } });
    expect(right.status).toBe(200);
    expect(parsePrometheus(await right.text()).types.get('stagent_runs_total')).toBe('counter');
    expect((await fetch(`${url}?x=1`, { headers: { authorization: 'Bearer m3trics-t0ken' } })).status).toBe(200);
    expect((await fetch(url, { method: 'POST', headers: { authorization: 'Bearer m3trics-t0ken' }, body: '' })).status).toBe(405);
  });

  it('without a token, answers loopback names only, as every route does (DNS rebinding)', async () => {
    const { port, url } = await serveWithMetrics();
    expect((await fetch(url)).status).toBe(200);
    const rebound = await new Promise<number>((resolve, reject) => {
      // fetch does not let a caller set Host: a raw request does.
      const req = request({ host: '127.0.0.1', port, path: '/metrics', headers: { host: `attacker.example:${port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(rebound).toBe(421);
  });

  forDialect('postgres', () => {
    it.runIf(redisForScaleOut)('scaled out: the runs waiting in the queue and the live instances by role, read at each scrape', async () => {
      const { engine, url } = await serveWithMetrics(null, true);
      const before = (await scrape(url)).samples;
      expect(total(before, 'stagent_queued_runs')).toBe(0);
      expect(before.filter((s) => s.name === 'stagent_instances').map((s) => [s.labels.role, s.value])).toEqual([
        ['all', 0],
        ['api', 1],
        ['worker', 0],
      ]);
      // An api instance drives nothing: both runs wait for a worker.
      for (const name of ['Queued one', 'Queued two']) {
        const workflow = await engine.createWorkflow({ name, pattern: 'SEQUENCE', runtimeId: 'simulated', steps: [{ id: 's', name: 'S', prompt: 'Wait.' }] });
        await engine.executeWorkflow(workflow.id);
      }
      expect(total((await scrape(url)).samples, 'stagent_queued_runs')).toBe(2);
    });
  });

  it('STAGENT_METRICS: on by default, 0 turns it off, anything else is refused in one line', () => {
    expect(loadConfig({}).metrics).toBe(true);
    expect(loadConfig({ STAGENT_METRICS: '0' }).metrics).toBe(false);
    expect(() => loadConfig({ STAGENT_METRICS: 'yes' })).toThrow('STAGENT_METRICS must be 1 (on) or 0 (off), got "yes".');
  });
});
