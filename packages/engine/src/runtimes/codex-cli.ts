import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { findOnPath, type CliProbeOptions } from './agent-cli-probe.js';

/**
 * Where the Codex CLI is and whether it starts. `@openai/codex` is optional (its native binary
 * is ~400 MB), so it is looked for, in order: `STAGENT_CODEX_BIN` (an executable), then
 * `STAGENT_CODEX_PACKAGE` (the package folder, e.g. `<prefix>/node_modules/@openai/codex`), then
 * the package installed beside the engine, then `codex` on PATH. The package's `bin/codex.js`
 * runs under this Node (it replaces itself with the native binary for the platform).
 */

/** The optional package that ships the `codex` binary. */
export const CODEX_PACKAGE = '@openai/codex';

/** How to start the CLI: a command and the arguments before the CLI's own. */
export interface CodexCommand {
  command: string;
  args: string[];
  /** Where it was found, for messages. */
  source: string;
}

/** Whether the CLI starts: its version, or why not. */
export type CodexStartCheck = { ok: true; version: string } | { ok: false; reason: string };

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** The package's launcher under a package folder, run with this Node. */
async function fromPackage(dir: string, source: string): Promise<CodexCommand | undefined> {
  const launcher = join(dir, 'bin', 'codex.js');
  return (await exists(launcher)) ? { command: process.execPath, args: [launcher], source } : undefined;
}

/** Finds the CLI, or returns undefined when none is installed. */
export async function findCodexCli(opts: CliProbeOptions): Promise<CodexCommand | undefined> {
  const env = opts.env ?? process.env;
  if (env.STAGENT_CODEX_BIN)
    return (await executable(env.STAGENT_CODEX_BIN))
      ? { command: env.STAGENT_CODEX_BIN, args: [], source: `STAGENT_CODEX_BIN=${env.STAGENT_CODEX_BIN}` }
      : undefined;
  if (env.STAGENT_CODEX_PACKAGE) return fromPackage(env.STAGENT_CODEX_PACKAGE, `STAGENT_CODEX_PACKAGE=${env.STAGENT_CODEX_PACKAGE}`);
  try {
    const pkg = createRequire(import.meta.url).resolve(`${CODEX_PACKAGE}/package.json`);
    const found = await fromPackage(dirname(pkg), `${CODEX_PACKAGE} (${dirname(pkg)})`);
    if (found) return found;
  } catch {
    // not installed beside the engine
  }
  const onPath = await findOnPath('codex', opts);
  return onPath ? { command: onPath, args: [], source: onPath } : undefined;
}

const checks = new Map<string, { check: Promise<CodexStartCheck>; at: number; failed: boolean }>();
/** A failed check is tried again after this long (the install may have been fixed meanwhile). */
const RECHECK_FAILED_MS = 60_000;

/**
 * Runs `codex --version` (a success is remembered, a failure for a minute): a wrong binary, a
 * missing platform package or a broken install shows here, with the CLI's own words, instead of
 * failing every task.
 */
export function checkCodexStarts(cli: CodexCommand): Promise<CodexStartCheck> {
  const key = [cli.command, ...cli.args].join('\0');
  const known = checks.get(key);
  if (known && !(known.failed && Date.now() - known.at > RECHECK_FAILED_MS)) return known.check;
  const check = new Promise<CodexStartCheck>((resolve) => {
    execFile(cli.command, [...cli.args, '--version'], { timeout: 15_000, env: { PATH: process.env.PATH } }, (err, stdout, stderr) => {
      const version = /codex-cli\s+(\S+)/.exec(stdout)?.[1];
      if (version) return resolve({ ok: true, version });
      const said = `${stderr || stdout}`.trim().split('\n').slice(-2).join(' ').slice(0, 300);
      resolve({
        ok: false,
        reason: err
          ? `the Codex CLI found at ${cli.source} does not start (${said || err.message})`
          : `${cli.source} is not the Codex CLI (\`--version\` printed "${said}")`,
      });
    });
  });
  const entry = { check, at: Date.now(), failed: false };
  void check.then((r) => (entry.failed = !r.ok));
  checks.set(key, entry);
  return check;
}
