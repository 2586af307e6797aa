import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

// Start-up tests run the real `stagent` entry point: the database it picks, the line it prints and
// its exit code are the behaviour under test, and no in-process call shows them.
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const STAGENT = join(ROOT, 'apps/api/bin/stagent.mjs');
/** tsx compiles the CLI on each start: seconds on a busy machine. */
export const SPAWN_TIMEOUT_MS = 60_000;

export interface Cli {
  child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves when `pattern` appears in the output (rejects when the process ends first). */
  waitFor(pattern: RegExp): Promise<void>;
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

const started: Cli[] = [];

/** Ends every CLI a test started and still running (call it in `afterEach`). */
export async function stopStartedClis(): Promise<void> {
  for (const cli of started.splice(0)) {
    if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGTERM');
    await cli.exited;
  }
}

/** Runs `stagent …args` with only PATH from this process's environment, plus `env`. */
export function stagent(args: string[], env: Record<string, string>): Cli {
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

/** POSTs a query to the API `serve` announced and returns its data (asserting no errors). */
export async function queryServed<T>(cli: Cli, text: string): Promise<T> {
  const url = /Stagent API on (http:\S+\/graphql)/.exec(cli.output())![1]!;
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: text }) });
  const body = (await response.json()) as { data: T; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data;
}
