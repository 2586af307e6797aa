import {
  describeDatabase,
  Engine,
  eventNamespaceFor,
  InMemoryEventBus,
  openRedisEventBus,
  type EngineTelemetry,
  type Logger,
  type RedisEventBus,
} from '@stagent/engine';
import type { ApiConfig } from './config.js';
import type { ApiMetrics } from './telemetry/metrics.js';

/** Delay per streamed chunk of the simulated runtime outside tests, ms: enough to see the stream. */
const SIMULATED_LATENCY_MS = 25;

/** An engine opened for a command, with the Redis event bus opened for it. */
export interface OpenedEngine {
  engine: Engine;
  /** The bus events fan out through to other instances (STAGENT_REDIS_URL), or null: they reach only this process's subscribers. */
  redisBus: RedisEventBus | null;
  /** Closes the engine, then the Redis bus: the engine does not close a bus it was given. */
  close(): Promise<void>;
}

/**
 * Opens (and migrates) the engine on the configured database: PostgreSQL when
 * STAGENT_DATABASE_URL is set, else the SQLite file in the data directory. A URL that does not
 * parse or a server that does not answer is an engine error naming the URL with its password
 * masked (InvalidDatabaseUrlError, DatabaseUnreachableError); nothing falls back to SQLite.
 * With `fanOut` and STAGENT_REDIS_URL set, events go through a Redis bus on the channel of this
 * database, opened first: a Redis that does not answer is a RedisUnreachableError before the
 * database is touched, never a silent process-local bus. The instance registers with `config.role` (STAGENT_ROLE, default all).
 * With `scaleOut` on PostgreSQL and Redis (`stagent serve`), claims go through the run queue and,
 * unless the role is api, this instance drives up to `config.workerConcurrency` runs from it.
 * `logger` receives the engine's and the Redis bus's messages (default: the engine's console
 * logger), `telemetry` its model calls, tool calls, steps and runs; with `metrics`, the events
 * this process publishes are counted and the engine's gauges are read at each scrape.
 */
export async function openEngine(
  config: Pick<ApiConfig, 'dataDir' | 'databaseUrl' | 'redisUrl'> & Partial<Pick<ApiConfig, 'role' | 'workerConcurrency'>>,
  options: { timers?: boolean; fanOut?: boolean; scaleOut?: boolean; logger?: Logger; telemetry?: EngineTelemetry; metrics?: ApiMetrics | null } = {},
): Promise<OpenedEngine> {
  const location = { dataDir: config.dataDir, databaseUrl: config.databaseUrl ?? undefined };
  const redisBus =
    options.fanOut && config.redisUrl ? await openRedisEventBus(config.redisUrl, { namespace: eventNamespaceFor(location), logger: options.logger }) : null;
  // PostgreSQL and Redis: one of several instances, which share runs through the run queue.
  const scaleOut = options.scaleOut && location.databaseUrl && redisBus ? { concurrency: config.workerConcurrency ?? 4 } : undefined;
  const { metrics } = options;
  let engine: Engine;
  try {
    engine = await Engine.open({
      ...location,
      simulatedLatencyMs: SIMULATED_LATENCY_MS,
      timers: options.timers,
      // Counted where this process publishes: what the Redis bus receives from other instances goes around it.
      bus: metrics ? metrics.countPublishes(redisBus ?? new InMemoryEventBus()) : (redisBus ?? undefined),
      logger: options.logger,
      telemetry: options.telemetry,
      role: config.role,
      scaleOut,
    });
  } catch (error) {
    await redisBus?.close();
    throw error;
  }
  metrics?.observeEngine(engine, { scaledOut: scaleOut !== undefined });
  return {
    engine,
    redisBus,
    async close() {
      try {
        await engine.close();
      } finally {
        await redisBus?.close();
      }
    },
  };
}

/** The configured database for messages: "PostgreSQL <URL, password masked>" or "SQLite <file>". */
export function databaseLabel(config: Pick<ApiConfig, 'dataDir' | 'databaseUrl'>): string {
  const where = describeDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl ?? undefined });
  return config.databaseUrl ? `PostgreSQL ${where}` : `SQLite ${where}`;
}
