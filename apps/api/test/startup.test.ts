import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_DATA_DIR_LABEL, Engine, resolveDataDir, silentLogger } from '@stagent/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

// These tests start the real `stagent` entry point: the data directory it picks, the line it
// prints and its exit code are the behaviour under test, and no in-process call shows them.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const STAGENT = join(ROOT, 'apps/api/bin/stagent.mjs');
/** tsx compiles the CLI on each start: seconds on a busy machine. */
const SPAWN_TIMEOUT_MS = 60_000;

interface Cli {
  child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves when `pattern` appears in the output (rejects when the process ends first). */
  waitFor(pattern: RegExp): Promise<void>;
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

const started: Cli[] = [];
afterEach(async () => {
  for (const cli of started.splice(0)) {
    if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGTERM');
    await cli.exited;
  }
});

/** Runs `stagent …args` with only PATH from this process's environment, plus `env`. */
function stagent(args: string[], env: Record<string, string>): Cli {
  const child = spawn(process.execPath, [STAGENT, ...args], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', STAGENT_DEMO: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: () => void; reject: (e: Error) => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (!w.pattern.test(stdout + stderr)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  child.stdout!.on('data', (chunk: Buffer) => ((stdout += chunk.toString()), check()));
  child.stderr!.on('data', (chunk: Buffer) => ((stderr += chunk.toString()), check()));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => {
      for (const w of waiters.splice(0)) w.reject(new Error(`stagent ended (${code}) before printing ${w.pattern}:\n${stdout}${stderr}`));
      resolve({ code, stdout, stderr });
    }),
  );
  const cli: Cli = {
    child,
    output: () => stdout + stderr,
    waitFor: (pattern) =>
      new Promise<void>((resolve, reject) => {
        waiters.push({ pattern, resolve, reject });
        check();
      }),
    exited,
  };
  started.push(cli);
  return cli;
}

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
    expect(serve.output()).toContain(`Data directory: ${join(home, '.stagent')}`);
    expect(existsSync(join(home, '.stagent', 'stagent.sqlite'))).toBe(true);
    serve.child.kill('SIGTERM');
    expect((await serve.exited).code).toBe(0);
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
  /** POSTs a query to the API `serve` announced. */
  async function query<T>(cli: Cli, text: string): Promise<T> {
    const url = /Stagent API on (http:\S+\/graphql)/.exec(cli.output())![1]!;
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: text }) });
    const body = (await response.json()) as { data: T; errors?: unknown };
    expect(body.errors).toBeUndefined();
    return body.data;
  }
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
    expect(byName.get('Investor research brief')).toMatchObject({ latestRun: { status: 'FAILED', failureCategory: 'BUDGET_EXCEEDED' } });
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
