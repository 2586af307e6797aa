import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testPostgresUrl, testRunPrefix } from '@stagent/engine/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { queryServed, SPAWN_TIMEOUT_MS, stagent, stopStartedClis } from './cli-process.js';

// `STAGENT_DATABASE_URL` against the test PostgreSQL server (this file runs only in the
// PostgreSQL pass; the URL errors that need no server are in startup.test.ts). Databases are
// created the way the README says, with createdb, and named with the run's prefix, so the run's
// teardown drops them.

afterEach(stopStartedClis);

const PASSWORD = 'hunter2-Pa55';

/** The test server's URL for `database`, with `user` and `password` when given. */
function serverUrl(database: string, credentials: { user?: string; password?: string } = {}): string {
  const url = new URL(testPostgresUrl());
  url.pathname = `/${database}`;
  if (credentials.user) url.username = credentials.user;
  if (credentials.password) url.password = credentials.password;
  return url.toString();
}

/** The URL as every message shows it: the password replaced by `***`. */
const masked = (url: string) => url.replace(`:${PASSWORD}@`, ':***@');

/** A new, empty database (`createdb`, as in the README). */
function createEmptyDatabase(): string {
  const name = `${testRunPrefix()}_cli_${randomBytes(4).toString('hex')}`;
  const created = spawnSync('createdb', ['--maintenance-db', testPostgresUrl(), name], { encoding: 'utf8' });
  expect(created.status, created.stderr).toBe(0);
  return name;
}

/**
 * A URL for `database` that carries a password. The test server trusts local logins (it ignores
 * the password) unless its URL has a password of its own, which is then kept.
 */
function urlWithPassword(database: string): { url: string; secret: string } {
  const own = new URL(testPostgresUrl()).password;
  return own ? { url: serverUrl(database), secret: decodeURIComponent(own) } : { url: serverUrl(database, { password: PASSWORD }), secret: PASSWORD };
}

describe('STAGENT_DATABASE_URL on a PostgreSQL server', () => {
  it('a refused login ends `stagent serve` with one line naming the URL, password masked, exit 1', { timeout: SPAWN_TIMEOUT_MS }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagent-pg-login-'));
    const url = serverUrl('postgres', { user: `stagent_no_such_role_${randomBytes(3).toString('hex')}`, password: PASSWORD });
    const serve = await stagent(['serve'], { STAGENT_DATA_DIR: dir, STAGENT_DATABASE_URL: url }).exited;
    expect(serve.code).toBe(1);
    expect(serve.stderr).toBe(
      `stagent: Cannot connect to PostgreSQL at ${masked(url)} (authentication failed). Start the server or correct STAGENT_DATABASE_URL; Stagent does not fall back to SQLite.\n`,
    );
    expect(serve.stdout + serve.stderr).not.toContain(PASSWORD);
    expect(readdirSync(dir)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a database that does not exist is not created: one line saying to createdb it, exit 1', { timeout: SPAWN_TIMEOUT_MS }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagent-pg-missing-'));
    const { url, secret } = urlWithPassword(`${testRunPrefix()}_missing_${randomBytes(4).toString('hex')}`);
    const migrate = await stagent(['migrate'], { STAGENT_DATA_DIR: dir, STAGENT_DATABASE_URL: url }).exited;
    expect(migrate.code).toBe(1);
    expect(migrate.stderr).toMatch(
      /^stagent: Cannot connect to PostgreSQL at postgres:\/\/\S+ \(the database does not exist: create it with createdb\)\. .*\n$/,
    );
    expect(migrate.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(migrate.stdout + migrate.stderr).not.toContain(secret);
    expect(readdirSync(dir)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    '`stagent migrate` migrates an empty database, says which (password masked), and every command then uses it',
    { timeout: 2 * SPAWN_TIMEOUT_MS },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'stagent-pg-migrate-'));
      const { url, secret } = urlWithPassword(createEmptyDatabase());
      const env = { STAGENT_DATA_DIR: dir, STAGENT_DATABASE_URL: url };
      const migrate = await stagent(['migrate'], env).exited;
      expect(migrate.code, migrate.stderr).toBe(0);
      expect(migrate.stdout).toMatch(/^Database PostgreSQL postgres:\/\/\S+ is migrated\.\n$/);
      expect(migrate.stdout).not.toContain(secret);
      // Migrating again finds nothing to do.
      expect((await stagent(['migrate'], env).exited).code).toBe(0);
      const workflows = await stagent(['workflows'], env).exited;
      expect(workflows.code, workflows.stderr).toBe(0);
      expect(workflows.stdout).toMatch(/No workflows yet/);
      // The rows are in PostgreSQL: no SQLite file appeared in the data directory.
      expect(existsSync(join(dir, 'stagent.sqlite'))).toBe(false);
      rmSync(dir, { recursive: true, force: true });
    },
  );

  it('`stagent serve` on a fresh database migrates it, seeds the demo and answers GraphQL', { timeout: 2 * SPAWN_TIMEOUT_MS }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagent-pg-serve-'));
    const { url, secret } = urlWithPassword(createEmptyDatabase());
    const serve = stagent(['serve'], { STAGENT_DATA_DIR: dir, STAGENT_DATABASE_URL: url, STAGENT_DEMO: '1' });
    await serve.waitFor(/Data directory: .*\n/);
    const output = serve.output();
    expect(output).toMatch(/Seeded the demo project and its first runs on the simulator/);
    expect(output).toMatch(/\nDatabase: PostgreSQL postgres:\/\/\S+\n/);
    expect(output).toContain(`Database: PostgreSQL ${url.replace(`:${secret}@`, ':***@')}\n`);
    expect(output).not.toContain(secret);
    const data = await queryServed<{ workflows: { totalCount: number; nodes: { latestRun: { status: string } | null }[] } }>(
      serve,
      '{ workflows(first: 10) { totalCount nodes { latestRun { status } } } }',
    );
    expect(data.workflows.totalCount).toBeGreaterThan(0);
    expect(data.workflows.nodes.every((w) => w.latestRun !== null)).toBe(true);
    expect(existsSync(join(dir, 'stagent.sqlite'))).toBe(false);
    serve.child.kill('SIGTERM');
    const end = await serve.exited;
    expect(end.code, end.stdout + end.stderr).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });
});
