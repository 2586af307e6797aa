import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DATA_DIR_LABEL, Engine, eventNamespaceFor, REDIS_EVENT_CHANNEL_PREFIX, resolveDataDir, silentLogger } from '@stagent/engine';
import { redisTestsRun, testRedisUrl } from '@stagent/engine/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { queryServed as query, ROOT, SPAWN_TIMEOUT_MS, stagent, stopStartedClis } from './cli-process.js';

afterEach(stopStartedClis);

const redisRuns = await redisTestsRun('API Redis start-up');

/** The default column of a README table row for `STAGENT_DATA_DIR`. */
function documentedDefault(readme: string): string | undefined {
  const row = readFileSync(join(ROOT, readme), 'utf8')
    .split('\n')
    .find((line) => line.startsWith('| `STAGENT_DATA_DIR` |'));
  return row?.split('|')[2]?.trim();
}

describe('data directory', () => {
  it('has one default, ~/.stagent, for the API config and the engine', () => {
    expect(resolveDataDir({})).toBe(join(homedir(), '.stagent'));
    expect(loadConfig({}).dataDir).toBe(resolveDataDir({}));
    expect(loadConfig({ STAGENT_DATA_DIR: '/srv/stagent' }).dataDir).toBe('/srv/stagent');
  });

  it('is stated the same in both READMEs, `stagent --help` and `pnpm start`', { timeout: SPAWN_TIMEOUT_MS }, async () => {
    const label = `\`${DEFAULT_DATA_DIR_LABEL}\``;
    expect(documentedDefault('README.md')).toBe(label);
    expect(documentedDefault('apps/api/README.md')).toBe(label);
    const start = readFileSync(join(ROOT, 'scripts/start.mjs'), 'utf8');
    expect(start).toContain(`STAGENT_DATA_DIR (${DEFAULT_DATA_DIR_LABEL})`);
    // `pnpm start` leaves the default to the API, which resolves it as every command does.
    expect(start).not.toMatch(/STAGENT_DATA_DIR: process\.env\.STAGENT_DATA_DIR \?\?/);
    const help = await stagent(['--help'], {}).exited;
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(`STAGENT_DATA_DIR (${DEFAULT_DATA_DIR_LABEL})`);
  });

  it('`stagent serve` without STAGENT_DATA_DIR opens $HOME/.stagent/stagent.sqlite and says so', { timeout: SPAWN_TIMEOUT_MS }, async () => {
    const home = mkdtempSync(join(tmpdir(), 'stagent-home-'));
    const serve = stagent(['serve'], { HOME: home });
    await serve.waitFor(/Data directory: .*\n/);
    expect(serve.output()).toContain(`Database: SQLite ${join(home, '.stagent', 'stagent.sqlite')}\n`);
    expect(serve.output()).toContain(`Data directory: ${join(home, '.stagent')}`);
    expect(existsSync(join(home, '.stagent', 'stagent.sqlite'))).toBe(true);
    serve.child.kill('SIGTERM');
    expect((await serve.exited).code).toBe(0);
  });
});

describe('the database', () => {
  it('is the SQLite file in the data directory unless STAGENT_DATABASE_URL names PostgreSQL', () => {
    expect(loadConfig({}).databaseUrl).toBeNull();
    expect(loadConfig({ STAGENT_DATABASE_URL: '  ' }).databaseUrl).toBeNull();
    expect(loadConfig({ STAGENT_DATABASE_URL: ' postgres://u:p@db:5432/stagent ' }).databaseUrl).toBe('postgres://u:p@db:5432/stagent');
  });

  it('`stagent migrate` without STAGENT_DATABASE_URL creates and migrates the SQLite file, and says which', { timeout: SPAWN_TIMEOUT_MS }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagent-migrate-'));
    const migrate = await stagent(['migrate'], { STAGENT_DATA_DIR: dir }).exited;
    expect(migrate.code, migrate.stderr).toBe(0);
    expect(migrate.stdout).toBe(`Database SQLite ${join(dir, 'stagent.sqlite')} is migrated.\n`);
    const engine = await Engine.open({ dataDir: dir, logger: silentLogger, timers: false });
    expect((await engine.listWorkflows()).totalCount).toBe(0);
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('a STAGENT_DATABASE_URL that cannot be used', () => {
  // None of these needs a PostgreSQL server; the ones that do (a refused login, a missing
  // database, migrate and serve on PostgreSQL) are in postgres-startup.test.ts.
  const PASSWORD = 's3cret-Pa55';
  const cases = [
    {
      what: 'a scheme other than postgres',
      url: `mysql://stagent:${PASSWORD}@localhost:3306/stagent`,
      line: `STAGENT_DATABASE_URL mysql://stagent:***@localhost:3306/stagent is not usable: the scheme is "mysql", not postgres. Write it as postgres://user:password@host:5432/database, or unset it to use the SQLite file in STAGENT_DATA_DIR.`,
    },
    {
      what: 'no database name',
      url: `postgres://stagent:${PASSWORD}@127.0.0.1:5432`,
      line: `STAGENT_DATABASE_URL postgres://stagent:***@127.0.0.1:5432 is not usable: it names no database (the path after the host). Write it as postgres://user:password@host:5432/database, or unset it to use the SQLite file in STAGENT_DATA_DIR.`,
    },
    {
      what: 'a port where no server listens',
      url: `postgres://stagent:${PASSWORD}@127.0.0.1:1/stagent`,
      line: `Cannot connect to PostgreSQL at postgres://stagent:***@127.0.0.1:1/stagent (connection refused: is the server running?). Start the server or correct STAGENT_DATABASE_URL; Stagent does not fall back to SQLite.`,
    },
  ];

  for (const { what, url, line } of cases) {
    it(
      `${what}: \`stagent serve\` and \`stagent workflows\` end with one line, the password masked, exit 1, no SQLite file`,
      { timeout: SPAWN_TIMEOUT_MS },
      async () => {
        const dir = mkdtempSync(join(tmpdir(), 'stagent-bad-url-'));
        const [serve, workflows] = await Promise.all(
          ['serve', 'workflows'].map((command) => stagent([command], { STAGENT_DATA_DIR: dir, STAGENT_DATABASE_URL: url }).exited),
        );
        for (const result of [serve!, workflows!]) {
          expect(result.code).toBe(1);
          expect(result.stdout).toBe('');
          expect(result.stderr).toBe(`stagent: ${line}\n`);
          expect(result.stderr).not.toContain(PASSWORD);
        }
        // Never a silent fallback: nothing was written to the data directory.
        expect(readdirSync(dir)).toEqual([]);
        rmSync(dir, { recursive: true, force: true });
      },
    );
  }
});

describe('STAGENT_REDIS_URL', () => {
  const PASSWORD = 'r3dis-Pa55';

  it('is null when unset or empty, kept trimmed when redis:// or rediss://, and any other scheme is a ConfigError, password masked', () => {
    expect(loadConfig({}).redisUrl).toBeNull();
    expect(loadConfig({ STAGENT_REDIS_URL: '  ' }).redisUrl).toBeNull();
    expect(loadConfig({ STAGENT_REDIS_URL: ' redis://:pw@cache:6379/2 ' }).redisUrl).toBe('redis://:pw@cache:6379/2');
    expect(loadConfig({ STAGENT_REDIS_URL: 'rediss://cache.example:6380' }).redisUrl).toBe('rediss://cache.example:6380');
    const refused = (url: string) => {
      try {
        loadConfig({ STAGENT_REDIS_URL: url });
      } catch (error) {
        return error;
      }
      return null;
    };
    const badScheme = refused(`http://u:${PASSWORD}@cache:6379`);
    expect(badScheme).toBeInstanceOf(ConfigError);
    expect((badScheme as Error).message).toBe(
      'STAGENT_REDIS_URL http://u:***@cache:6379 is not usable: the scheme is "http", not redis or rediss. Write it as redis://[:password@]host:6379[/db] (rediss:// for TLS), or unset it to keep events within this process.',
    );
    expect(refused('cache:6379')).toBeInstanceOf(ConfigError);
    expect(refused('not a url')).toBeInstanceOf(ConfigError);
  });

  it(
    'a bad scheme ends `stagent serve` with one line and exit 2; a Redis that does not answer with one line and exit 1, before any SQLite file',
    { timeout: SPAWN_TIMEOUT_MS },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'stagent-bad-redis-'));
      const [scheme, unreachable] = await Promise.all(
        [`memcached://:${PASSWORD}@127.0.0.1:11211`, `redis://:${PASSWORD}@127.0.0.1:1`].map(
          (url) => stagent(['serve'], { STAGENT_DATA_DIR: dir, STAGENT_REDIS_URL: url }).exited,
        ),
      );
      expect(scheme!.code).toBe(2);
      expect(scheme!.stderr).toMatch(
        /^stagent: STAGENT_REDIS_URL memcached:\/\/:\*\*\*@127\.0\.0\.1:11211 is not usable: the scheme is "memcached", not redis or rediss\. .*\n$/,
      );
      expect(unreachable!.code).toBe(1);
      expect(unreachable!.stderr).toMatch(
        /^stagent: Cannot connect to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1 \(.*ECONNREFUSED.*\)\. Start the server or correct STAGENT_REDIS_URL; [^\n]*\n$/,
      );
      for (const result of [scheme!, unreachable!]) {
        expect(result.stdout + result.stderr).not.toContain(PASSWORD);
      }
      expect(readdirSync(dir)).toEqual([]);
      rmSync(dir, { recursive: true, force: true });
    },
  );

  it.skipIf(!redisRuns)('`stagent serve` with it says that events fan out through Redis, and on which channel', { timeout: SPAWN_TIMEOUT_MS }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagent-redis-'));
    const serve = stagent(['serve'], { STAGENT_DATA_DIR: dir, STAGENT_DEMO: '0', STAGENT_REDIS_URL: testRedisUrl() });
    await serve.waitFor(/Data directory: .*\n/);
    expect(serve.output()).toContain(
      `Events fan out to other instances through Redis ${testRedisUrl()} (channel ${REDIS_EVENT_CHANNEL_PREFIX}${eventNamespaceFor({ dataDir: dir })})\n`,
    );
    serve.child.kill('SIGTERM');
    expect((await serve.exited).code).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('a data file that is not a database', () => {
  /** What a failed start must print: one line naming the file and saying what to do, no SQL, no stack. */
  function expectOneLine(stderr: string, path: string, reason: string): void {
    expect(stderr.endsWith('\n')).toBe(true);
    expect(stderr.trimEnd().split('\n')).toEqual([
      `stagent: ${path} is not a readable Stagent database (${reason}). Move it aside to start with a new, empty database, or restore it from a backup; STAGENT_DATA_DIR chooses another directory.`,
    ]);
  }

  it('`stagent serve` on a garbage stagent.sqlite ends with one line and exit code 1', { timeout: SPAWN_TIMEOUT_MS }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagent-garbage-'));
    const file = join(dir, 'stagent.sqlite');
    writeFileSync(file, 'these bytes are not an SQLite database\n'.repeat(200));
    const serve = await stagent(['serve'], { STAGENT_DATA_DIR: dir }).exited;
    expect(serve.code).toBe(1);
    expectOneLine(serve.stderr, file, 'SQLite: file is not a database');
    expect(readFileSync(file, 'utf8')).toBe('these bytes are not an SQLite database\n'.repeat(200));
  });

  it('a truncated database ends any command the same way', { timeout: SPAWN_TIMEOUT_MS }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagent-truncated-'));
    const engine = await Engine.open({ dataDir: dir, logger: silentLogger, timers: false });
    await engine.close();
    const file = join(dir, 'stagent.sqlite');
    // Cut the migrated file after its third 4 KiB page; drop the WAL so nothing can repair it.
    truncateSync(file, 3 * 4096 + 100);
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
    const migrate = await stagent(['migrate'], { STAGENT_DATA_DIR: dir }).exited;
    expect(migrate.code).toBe(1);
    expectOneLine(migrate.stderr, file, 'SQLite: the file is damaged or truncated');
  });
});

describe('demo data on first start', () => {
  const HISTORY = /* GraphQL */ `
    {
      workflows(first: 10) {
        nodes {
          name
          latestRun {
            status
            failureCategory
            costUsd
          }
          runs(first: 50) {
            status
          }
        }
      }
      executionStats {
        pattern
        sampleCount
      }
    }
  `;
  interface History {
    workflows: { nodes: { name: string; latestRun: { status: string; failureCategory: string | null; costUsd: number }; runs: { status: string }[] }[] };
    executionStats: { pattern: string; sampleCount: number }[];
  }

  it('`stagent serve` on an empty data directory runs the demo once, before it answers', { timeout: 2 * SPAWN_TIMEOUT_MS }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stagent-demo-'));
    const first = stagent(['serve'], { STAGENT_DATA_DIR: dataDir, STAGENT_DEMO: '1' });
    await first.waitFor(/Stagent API on .*\n/);
    expect(first.output()).toMatch(/Seeded the demo project and its first runs on the simulator in (\d+ ms|\d+\.\d s) /);
    const seeded = await query<History>(first, HISTORY);
    const byName = new Map(seeded.workflows.nodes.map((w) => [w.name, w]));
    expect(byName.get('Investor research brief')).toMatchObject({ latestRun: { status: 'PAUSED' } });
    expect(byName.get('Investor research brief')!.runs).toHaveLength(4);
    expect(seeded.workflows.nodes.every((w) => w.latestRun.costUsd > 0)).toBe(true);
    expect(seeded.executionStats.map((s) => s.pattern)).toEqual(['CHECKPOINT', 'LOOP', 'PARALLEL', 'SEQUENCE']);
    first.child.kill('SIGTERM');
    const firstEnd = await first.exited;
    expect(firstEnd.code, firstEnd.stdout + firstEnd.stderr).toBe(0);

    // A restart on the same database: no second seeding, the same history.
    const second = stagent(['serve'], { STAGENT_DATA_DIR: dataDir, STAGENT_DEMO: '1' });
    await second.waitFor(/Stagent API on .*\n/);
    expect(second.output()).not.toContain('Seeded');
    expect(await query<History>(second, HISTORY)).toEqual(seeded);
    second.child.kill('SIGTERM');
    const secondEnd = await second.exited;
    expect(secondEnd.code, secondEnd.stdout + secondEnd.stderr).toBe(0);
    rmSync(dataDir, { recursive: true, force: true });
  });
});
