import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeTestPostgres, redisTestsRun, scratchPostgresDatabase, testRedisUrl } from '@stagent/engine/testing';
import { loadConfig } from '../src/config.js';
import { queryServed, SPAWN_TIMEOUT_MS, stagent, stopStartedClis } from './cli-process.js';

afterEach(stopStartedClis);

/** The PostgreSQL and Redis servers the api-instance start-up needs (skipped, saying so, where they do not answer). */
const postgresDown = await probeTestPostgres();
const redisRuns = await redisTestsRun('API instance role');

const PG = 'postgres://stagent@127.0.0.1:5432/stagent';
const REDIS = 'redis://127.0.0.1:6379';

describe('STAGENT_ROLE and STAGENT_WORKER_CONCURRENCY', () => {
  it('default to all and 4; api and worker are taken with PostgreSQL and Redis', () => {
    expect(loadConfig({})).toMatchObject({ role: 'all', workerConcurrency: 4 });
    expect(loadConfig({ STAGENT_ROLE: ' ' }).role).toBe('all');
    for (const role of ['api', 'worker']) expect(loadConfig({ STAGENT_ROLE: role, STAGENT_DATABASE_URL: PG, STAGENT_REDIS_URL: REDIS }).role).toBe(role);
    expect(loadConfig({ STAGENT_WORKER_CONCURRENCY: '64' }).workerConcurrency).toBe(64);
    expect(loadConfig({ STAGENT_WORKER_CONCURRENCY: '1' }).workerConcurrency).toBe(1);
  });

  it('refuses a concurrency outside 1-64 or not a whole number', () => {
    for (const bad of ['0', '65', '2.5', 'many'])
      expect(() => loadConfig({ STAGENT_WORKER_CONCURRENCY: bad })).toThrow(`STAGENT_WORKER_CONCURRENCY must be an integer from 1 to 64, got "${bad}".`);
  });

  const refusals: { what: string; env: Record<string, string>; line: string }[] = [
    {
      what: 'an unknown role',
      env: { STAGENT_ROLE: 'scheduler' },
      line: 'STAGENT_ROLE must be all, api or worker, got "scheduler": use all for one instance that serves and runs, api or worker to split them.',
    },
    {
      what: 'a worker on SQLite',
      env: { STAGENT_ROLE: 'worker', STAGENT_REDIS_URL: REDIS },
      line: 'STAGENT_ROLE=worker needs PostgreSQL, since SQLite is one process: use STAGENT_ROLE=all or set STAGENT_DATABASE_URL.',
    },
    {
      what: 'an api instance on SQLite',
      env: { STAGENT_ROLE: 'api' },
      line: 'STAGENT_ROLE=api needs PostgreSQL, since SQLite is one process: use STAGENT_ROLE=all or set STAGENT_DATABASE_URL.',
    },
    {
      what: 'a worker without Redis',
      env: { STAGENT_ROLE: 'worker', STAGENT_DATABASE_URL: PG },
      line: 'STAGENT_ROLE=worker needs Redis: events of runs driven by a worker would reach no subscriber of an api instance: set STAGENT_REDIS_URL.',
    },
    {
      what: 'an api instance without Redis',
      env: { STAGENT_ROLE: 'api', STAGENT_DATABASE_URL: PG },
      line: 'STAGENT_ROLE=api needs Redis: events of runs driven by a worker would reach no subscriber of an api instance: set STAGENT_REDIS_URL.',
    },
    {
      what: 'a concurrency out of range',
      env: { STAGENT_WORKER_CONCURRENCY: '100' },
      line: 'STAGENT_WORKER_CONCURRENCY must be an integer from 1 to 64, got "100".',
    },
  ];

  it('`stagent serve` refuses each with one line and exit 2, before opening a database', { timeout: SPAWN_TIMEOUT_MS }, async () => {
    // The processes start together: tsx compiles the CLI on each start, which takes seconds.
    const ended = await Promise.all(refusals.map(({ env }) => stagent(['serve'], { STAGENT_DATA_DIR: '/nonexistent/stagent-role-test', ...env }).exited));
    for (const [i, { what, line }] of refusals.entries()) {
      expect({ what, code: ended[i]!.code, stdout: ended[i]!.stdout, stderr: ended[i]!.stderr }).toEqual({
        what,
        code: 2,
        stdout: '',
        stderr: `stagent: ${line}\n`,
      });
    }
  });

  it.runIf(!postgresDown && redisRuns)(
    '`stagent serve` as an api instance on PostgreSQL and Redis registers with its role, pid and version, says its part, and seeds no demo',
    { timeout: SPAWN_TIMEOUT_MS },
    async () => {
      const database = await scratchPostgresDatabase('role');
      const dir = mkdtempSync(join(tmpdir(), 'stagent-role-'));
      try {
        const serve = stagent(['serve'], {
          STAGENT_DATA_DIR: dir,
          STAGENT_DATABASE_URL: database.url,
          STAGENT_REDIS_URL: testRedisUrl(),
          STAGENT_ROLE: 'api',
          STAGENT_DEMO: '1',
        });
        await serve.waitFor(/Role api: runs go to the run queue in PostgreSQL for worker instances to drive\.\n/);
        expect(serve.output()).not.toMatch(/Seeded the demo/);
        expect((await queryServed<{ workflows: { totalCount: number } }>(serve, '{ workflows { totalCount } }')).workflows.totalCount).toBe(0);
        const { instances } = await queryServed<{ instances: { role: string; pid: number; version: string }[] }>(serve, '{ instances { role pid version } }');
        // bin/stagent.mjs runs the CLI in a child process of its own: that process is the instance.
        expect(instances).toEqual([{ role: 'api', pid: expect.any(Number), version: '0.1.0' }]);
        expect(instances[0]!.pid).not.toBe(process.pid);
        serve.child.kill('SIGTERM');
        expect((await serve.exited).code).toBe(0);
      } finally {
        await database.drop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe.runIf(!postgresDown)('two instances on one PostgreSQL without Redis', () => {
  it('the second is refused in one line (exit 2): their events would never reach each other', { timeout: 2 * SPAWN_TIMEOUT_MS }, async () => {
    const database = await scratchPostgresDatabase('split');
    const dir = mkdtempSync(join(tmpdir(), 'stagent-split-'));
    try {
      const env = { STAGENT_DATA_DIR: dir, STAGENT_DATABASE_URL: database.url };
      const first = stagent(['serve'], env);
      await first.waitFor(/Stagent API on/);
      const second = await stagent(['serve'], env).exited;
      expect(second.code).toBe(2);
      expect(second.stderr).toMatch(
        /^stagent: Another Stagent instance \(\S+, pid \d+\) uses this PostgreSQL database without STAGENT_REDIS_URL: the events of the runs each drives would never reach the other's subscribers\. Set STAGENT_REDIS_URL on every instance, or stop the other one\.\n$/,
      );
      // The first one serves on, alone.
      expect((await queryServed<{ instances: unknown[] }>(first, '{ instances { pid } }')).instances).toHaveLength(1);
      first.child.kill('SIGTERM');
      expect((await first.exited).code).toBe(0);
    } finally {
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
