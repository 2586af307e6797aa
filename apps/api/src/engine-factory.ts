import { describeDatabase, Engine } from '@stagent/engine';
import type { ApiConfig } from './config.js';

/** Delay per streamed chunk of the simulated runtime outside tests, ms: enough to see the stream. */
const SIMULATED_LATENCY_MS = 25;

/**
 * Opens (and migrates) the engine on the configured database: PostgreSQL when
 * STAGENT_DATABASE_URL is set, else the SQLite file in the data directory. A URL that does not
 * parse or a server that does not answer is an engine error naming the URL with its password
 * masked (InvalidDatabaseUrlError, DatabaseUnreachableError); nothing falls back to SQLite.
 */
export function openEngine(config: Pick<ApiConfig, 'dataDir' | 'databaseUrl'>, options: { timers?: boolean } = {}): Promise<Engine> {
  return Engine.open({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl ?? undefined,
    simulatedLatencyMs: SIMULATED_LATENCY_MS,
    timers: options.timers,
  });
}

/** The configured database for messages: "PostgreSQL <URL, password masked>" or "SQLite <file>". */
export function databaseLabel(config: Pick<ApiConfig, 'dataDir' | 'databaseUrl'>): string {
  const where = describeDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl ?? undefined });
  return config.databaseUrl ? `PostgreSQL ${where}` : `SQLite ${where}`;
}
