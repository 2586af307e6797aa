import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { REPO } from './servers';

/**
 * The database under the suite's APIs. The e2e test script runs the suite twice: on SQLite (each
 * API on a temporary data directory), then with `STAGENT_E2E_DATABASE=postgres`, where every API
 * the suite starts gets a fresh PostgreSQL database of its own through `STAGENT_DATABASE_URL`,
 * created here and dropped when that API stops (see `scripts/postgres-pass.mjs`).
 */
export type E2eDatabase = 'sqlite' | 'postgres';

export function e2eDatabase(env: NodeJS.ProcessEnv = process.env): E2eDatabase {
  return env.STAGENT_E2E_DATABASE === 'postgres' ? 'postgres' : 'sqlite';
}

/** The maintenance database the pass creates and drops its databases through (trust auth on loopback by default). */
export function e2ePostgresUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.STAGENT_E2E_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** The part of node-postgres used here. */
interface PgClient {
  connect(): Promise<void>;
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
}
type PgClientClass = new (options: { connectionString: string; connectionTimeoutMillis?: number }) => PgClient;

/** node-postgres as the engine depends on it (the e2e package drives the API only; it has no driver of its own). */
function pgClient(url: string): PgClient {
  const { Client } = createRequire(join(REPO, 'packages/engine/package.json'))('pg') as { Client: PgClientClass };
  return new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
}

async function withClient<T>(url: string, work: (client: PgClient) => Promise<T>): Promise<T> {
  const client = pgClient(url);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A PostgreSQL database for one API: its URL, and how to drop it. */
export interface PostgresDatabase {
  url: string;
  /** Whether the API opened it: the engine's migrations created its tables. */
  holdsStagent(): Promise<boolean>;
  drop(): Promise<void>;
}

/** Creates an empty database named after the suite and this process (so a leftover is recognisable). */
export async function createPostgresDatabase(): Promise<PostgresDatabase> {
  const name = `stagent_e2e_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withClient(e2ePostgresUrl(), (admin) => admin.query(`create database ${name}`));
  const url = new URL(e2ePostgresUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    holdsStagent: () =>
      withClient(url.toString(), async (db) => {
        const { rows } = await db.query(`select count(*)::int as n from information_schema.tables where table_schema = 'public' and table_name = 'workflows'`);
        return rows[0]?.n === 1;
      }),
    // `with (force)`: an API killed at teardown may leave a connection behind.
    drop: () => withClient(e2ePostgresUrl(), (admin) => admin.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

/** Where this pass keeps its screenshots: e2e/artifacts, and e2e/artifacts/postgres in the PostgreSQL pass (neither overwrites the other). */
export function artifactsDir(): string {
  return e2eDatabase() === 'postgres' ? join(REPO, 'e2e/artifacts/postgres') : join(REPO, 'e2e/artifacts');
}
