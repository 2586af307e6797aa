import { combineTelemetry, seedDemoData, type Engine, type EngineTelemetry } from '@stagent/engine';
import { formatDuration } from '@stagent/engine/format';
import { createApp, METRICS_PATH } from '../app.js';
import { assertSafeBinding, ConfigError, type ApiConfig } from '../config.js';
import { databaseLabel, openEngine } from '../engine-factory.js';
import { createLogger, loggingTelemetry, type JsonLogger } from '../telemetry/logger.js';
import { createMetrics, type ApiMetrics } from '../telemetry/metrics.js';
import { startTracing } from '../telemetry/tracing.js';

/**
 * `stagent serve`: opens the Redis event bus of STAGENT_REDIS_URL, if set, opens and migrates the
 * database (PostgreSQL of STAGENT_DATABASE_URL, else the SQLite file in the data directory), runs
 * the recovery sweep, seeds demo data and its first runs into an empty database (unless
 * STAGENT_DEMO=0), then serves HTTP and WebSocket on one port until SIGTERM or SIGINT, when it
 * closes connections, the engine and the bus before exiting. What it says for a person goes to
 * `out` (stdout); the JSON log (LOG_LEVEL) to stderr; metrics to GET /metrics (STAGENT_METRICS);
 * spans to the OTLP endpoint of the OTEL_* variables, if any.
 */
export async function serveCommand(config: ApiConfig, out: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  // Refuse an unsafe binding before touching the database.
  assertSafeBinding(config);
  const logger = createLogger({ level: config.logLevel, env });
  const metrics = config.metrics ? createMetrics() : null;
  const tracing = startTracing(env);
  const telemetry = combineTelemetry(loggingTelemetry(logger), ...(metrics ? [metrics.telemetry] : []), ...(tracing ? [tracing.telemetry] : []));
  try {
    await serveWith(config, out, { logger, metrics, telemetry });
  } finally {
    await tracing?.shutdown();
    logger.close();
  }
}

/** Opens the engine with the log, metrics and telemetry made for it, and serves until a signal. */
async function serveWith(
  config: ApiConfig,
  out: NodeJS.WriteStream,
  { logger, metrics, telemetry }: { logger: JsonLogger; metrics: ApiMetrics | null; telemetry: EngineTelemetry },
): Promise<void> {
  const opened = await openEngine(config, { fanOut: true, scaleOut: true, logger, telemetry, metrics });
  const { engine } = opened;
  try {
    await logger.secrets.follow(engine);
    await engine.start();
    // The MCP servers' env and header values are loaded by start().
    await logger.secrets.refresh();
    await refuseSilentSplit(config, opened.redisBus !== null, engine);
    const seeding = performance.now();
    // Only a lone instance seeds: instances of a deployment starting together would race to seed one database, and an api instance would wait for a worker to run the demo.
    if (config.demo && config.role === 'all' && (await seedDemoData(engine))) {
      out.write(`Seeded the demo project and its first runs on the simulator in ${formatDuration(performance.now() - seeding)} (STAGENT_DEMO=0 to skip).\n`);
    }
    // Settings and MCP servers changed through the API refresh the secrets the log is cleaned of.
    const app = createApp({ engine: logger.secrets.watch(engine), config, logger, metrics: metrics ?? undefined });
    const port = await app.start(config.port, config.host);
    const runtimes = await engine.listRuntimes();
    const real = runtimes.filter((r) => r.available && r.id !== 'simulated');
    out.write(`Stagent API on http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}/graphql (WebSocket on the same URL)\n`);
    out.write(`Database: ${databaseLabel(config)}\n`);
    if (opened.redisBus) out.write(`Events fan out to other instances through Redis ${opened.redisBus.maskedUrl} (channel ${opened.redisBus.channel})\n`);
    if (opened.redisBus && config.databaseUrl)
      out.write(
        config.role === 'api'
          ? 'Role api: runs go to the run queue in PostgreSQL for worker instances to drive.\n'
          : `Role ${config.role}: drives up to ${config.workerConcurrency} runs at a time from the run queue in PostgreSQL.\n`,
      );
    out.write(
      `Data directory: ${config.dataDir}${config.apiToken ? '; bearer token required' : ''}${config.introspection ? (config.production ? '' : '; GraphiQL enabled') : '; introspection off'}\n`,
    );
    if (metrics)
      out.write(`Prometheus metrics on ${METRICS_PATH}${config.apiToken ? ' (bearer token required)' : ''}; JSON log on stderr at ${config.logLevel}\n`);
    if (!real.length) out.write('No provider is configured (no API key, no Ollama): workflows run on the SIMULATED runtime, which is not a model.\n');

    await new Promise<void>((resolve) => {
      const shutdown = (signal: string) => {
        out.write(`${signal} received: shutting down.\n`);
        process.off('SIGTERM', onTerm);
        process.off('SIGINT', onInt);
        resolve();
      };
      const onTerm = () => shutdown('SIGTERM');
      const onInt = () => shutdown('SIGINT');
      process.on('SIGTERM', onTerm);
      process.on('SIGINT', onInt);
    });
    await app.stop();
  } finally {
    await opened.close();
  }
}

/**
 * Two instances on one PostgreSQL without Redis would each serve only the events of the runs it
 * drives itself: a dashboard on one would never see the other's runs move. Refused at start, in
 * one line, rather than losing live events silently.
 */
async function refuseSilentSplit(config: ApiConfig, fanOut: boolean, engine: Engine): Promise<void> {
  if (!config.databaseUrl || fanOut) return;
  const [other] = await engine.instances.others();
  if (other)
    throw new ConfigError(
      `Another Stagent instance (${other.host}, pid ${other.pid}) uses this PostgreSQL database without STAGENT_REDIS_URL: the events of the runs each drives would never reach the other's subscribers. Set STAGENT_REDIS_URL on every instance, or stop the other one.`,
    );
}
