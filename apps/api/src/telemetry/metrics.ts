import { INSTANCE_ROLES, queuedRunCount, type Engine, type EngineTelemetry, type EventBus } from '@stagent/engine';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SubscriptionMeasures } from '../shared-subscription-results.js';

/**
 * Prometheus metrics of one API process (issue #18), served at GET /metrics. Counters count what
 * this instance did (the engine reports each model call, tool call, step attempt and run once, on
 * the instance that did the work), so a deployment's totals are `sum()` over its instances.
 *
 * The registry is our own, never prom-client's global one: a second app in the same process (the
 * tests start many) gets its own counters. It also carries prom-client's default process metrics
 * (CPU, memory, event-loop lag, GC) under their usual unprefixed names (`process_*`, `nodejs_*`):
 * those are the names existing Node.js dashboards and alerts query, and the `job` / `instance`
 * labels of the scrape already say they are Stagent's.
 */

/** The engine as the scrape-time gauges read it. */
export type MetricsEngine = Pick<Engine, 'listInstances' | 'resources' | 'mcpServers'>;

/** What {@link createMetrics} returns. */
export interface ApiMetrics {
  readonly registry: Registry;
  /** The engine's telemetry consumer for the counters (`Engine.open({ telemetry })`, combined with others). */
  readonly telemetry: EngineTelemetry;
  /** Subscribers and fan-out latency, reported by the subscription plugin (`createApp({ metrics })`). */
  readonly subscriptions: SubscriptionMeasures;
  /** `bus`, counting each event this process publishes (not those another instance published through Redis). */
  countPublishes(bus: EventBus): EventBus;
  /** Adds the gauges read from the engine at scrape time; queued runs and instances only when scaled out. Call once. */
  observeEngine(engine: MetricsEngine, options: { scaledOut: boolean }): void;
}

/** A model call takes from a fraction of a second to minutes. */
const MODEL_CALL_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];
/** An event reaches its subscribers within milliseconds on one instance, later through Redis. */
const FANOUT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Builds the registry and its metrics. `defaultMetrics: false` leaves out the process metrics. */
export function createMetrics(options: { defaultMetrics?: boolean } = {}): ApiMetrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  const runs = new Counter({
    name: 'stagent_runs_total',
    help: 'Workflow runs that ended on this instance, by final status (COMPLETED, FAILED, CANCELLED).',
    labelNames: ['status'] as const,
    registers,
  });
  const tasks = new Counter({
    name: 'stagent_tasks_total',
    help: 'Tasks outside any run that ended on this instance (kind ASSISTANT: an assistant answer; SCHEDULE: a schedule prompt), by status.',
    labelNames: ['kind', 'status'] as const,
    registers,
  });
  const steps = new Counter({
    name: 'stagent_steps_total',
    help: 'Step attempts that ended or stopped to wait on this instance, by status and failure category (none unless it failed).',
    labelNames: ['status', 'failure_category'] as const,
    registers,
  });
  const modelCalls = new Counter({
    name: 'stagent_model_calls_total',
    help: 'Model calls (one per turn) recorded in the usage ledger, by runtime and model.',
    labelNames: ['runtime', 'model'] as const,
    registers,
  });
  const modelSeconds = new Histogram({
    name: 'stagent_model_call_duration_seconds',
    help: 'Duration of a model call in seconds, from the request to its usage, by runtime and model.',
    labelNames: ['runtime', 'model'] as const,
    buckets: MODEL_CALL_BUCKETS,
    registers,
  });
  const tokens = new Counter({
    name: 'stagent_tokens_total',
    help: 'Tokens of model calls as the usage ledger recorded them, by runtime, model and kind (input, output, cache_read, cache_write).',
    labelNames: ['runtime', 'model', 'kind'] as const,
    registers,
  });
  const cost = new Counter({
    name: 'stagent_cost_usd_total',
    help: 'Spend on model calls in US dollars, as the usage ledger priced them (calls of unpriced models add nothing), by runtime and model.',
    labelNames: ['runtime', 'model'] as const,
    registers,
  });
  const toolCalls = new Counter({
    name: 'stagent_tool_calls_total',
    help: 'Agent tool calls that ran or were refused, by status (SUCCEEDED, FAILED, TIMED_OUT, DENIED, CANCELLED).',
    labelNames: ['status'] as const,
    registers,
  });
  const published = new Counter({
    name: 'stagent_events_published_total',
    help: 'Workflow events this instance committed and published (events received from other instances through Redis are not counted).',
    registers,
  });
  const subscribers = new Gauge({
    name: 'stagent_subscribers',
    help: 'Live subscriptions this instance serves: graphql-ws operations and HTTP event streams.',
    registers,
  });
  const fanout = new Histogram({
    name: 'stagent_event_fanout_seconds',
    help: "Seconds from a live event's commit to the write of its batch to a subscriber, once per batch and subscriber.",
    buckets: FANOUT_BUCKETS,
    registers,
  });

  const telemetry: EngineTelemetry = {
    tracing: false,
    modelCall(call) {
      const labels = { runtime: call.runtimeId, model: call.model };
      modelCalls.inc(labels);
      modelSeconds.observe(labels, Math.max(0, call.endedAt - call.startedAt) / 1000);
      tokens.inc({ ...labels, kind: 'input' }, call.inputTokens);
      tokens.inc({ ...labels, kind: 'output' }, call.outputTokens);
      tokens.inc({ ...labels, kind: 'cache_read' }, call.cacheReadTokens);
      tokens.inc({ ...labels, kind: 'cache_write' }, call.cacheWriteTokens);
      if (call.costUsd !== null) cost.inc(labels, call.costUsd);
    },
    toolCall(call) {
      toolCalls.inc({ status: call.status });
    },
    stepEnded(step) {
      steps.inc({ status: step.status, failure_category: step.failureCategory ?? 'none' });
    },
    runEnded(run) {
      runs.inc({ status: run.status });
    },
    taskEnded(task) {
      tasks.inc({ kind: task.taskKind, status: task.status });
    },
  };

  const subscriptions: SubscriptionMeasures = {
    opened() {
      subscribers.inc();
      let open = true;
      return () => {
        if (!open) return;
        open = false;
        subscribers.dec();
      };
    },
    delivered(oldestAt) {
      // Another instance's clock may run a little ahead: never a negative latency.
      fanout.observe(Math.max(0, Date.now() - oldestAt) / 1000);
    },
  };

  return {
    registry,
    telemetry,
    subscriptions,
    countPublishes: (bus) => ({
      publish(event) {
        published.inc();
        bus.publish(event);
      },
      subscribe: (workflowId, listener) => bus.subscribe(workflowId, listener),
      subscribeAll: (listener) => bus.subscribeAll(listener),
    }),
    observeEngine: (engine, { scaledOut }) => observeEngine(registry, engine, scaledOut),
  };
}

/**
 * Gauges read when scraped. A read that fails (the database is away) keeps the last value rather
 * than failing the whole scrape, which would hide every other metric too.
 */
function observeEngine(registry: Registry, engine: MetricsEngine, scaledOut: boolean): void {
  const registers = [registry];
  new Gauge({
    name: 'stagent_mcp_servers_connected',
    help: 'MCP servers this instance is connected to now (a server connects on its first use).',
    registers,
    collect() {
      const connections = engine.mcpServers.connections;
      this.set(connections.serverIds().filter((id) => connections.status(id).connected).length);
    },
  });
  if (!scaledOut) return;
  new Gauge({
    name: 'stagent_queued_runs',
    help: 'Runs waiting in the run queue for a worker (the same for every instance of a deployment).',
    registers,
    async collect() {
      const queued = await queuedRunCount(engine).catch(() => null);
      if (queued !== null) this.set(queued);
    },
  });
  new Gauge({
    name: 'stagent_instances',
    help: 'Live instances of the deployment (heartbeat within the lease), by role (all, api, worker).',
    labelNames: ['role'] as const,
    registers,
    async collect() {
      const live = await engine.listInstances().catch(() => null);
      if (live) for (const role of INSTANCE_ROLES) this.set({ role }, live.filter((i) => i.role === role).length);
    },
  });
}
