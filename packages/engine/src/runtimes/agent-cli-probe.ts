import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { failure } from './error-classification.js';
import type { RuntimeDescriptor, RuntimeResult } from './runtime.js';

/**
 * Presence checks for the agent CLIs (`claude-code`, `openai-codex-app-server`). Their packages
 * ship 384-404 MB native binaries, so they are not in the default install; these runtimes are
 * listed with `available: false` and a reason that says exactly what is missing.
 */

/** How a probe looks for a package or a command; tests replace both. */
export interface CliProbeOptions {
  /** Environment whose PATH is searched; `process.env` when omitted. */
  env?: NodeJS.ProcessEnv;
  /** Loads a package by specifier (default: dynamic `import()`); rejects when it is not installed. */
  importModule?: (specifier: string) => Promise<unknown>;
}

/**
 * Loads a package, or the file an environment variable names for it: agent CLI packages may be
 * installed outside the app (CI keeps them in a cache folder), e.g. `STAGENT_CLAUDE_AGENT_SDK` =
 * the Agent SDK's `sdk.mjs` for `@anthropic-ai/claude-agent-sdk`.
 */
export function importFromEnv(env: NodeJS.ProcessEnv, overrides: Record<string, string>): (specifier: string) => Promise<unknown> {
  return (specifier) => {
    const path = overrides[specifier] ? env[overrides[specifier]] : undefined;
    return path ? import(pathToFileURL(path).href) : import(specifier);
  };
}

/** Whether a package can be imported. */
export async function packageInstalled(specifier: string, opts: CliProbeOptions): Promise<boolean> {
  const load = opts.importModule ?? ((s: string) => import(s));
  try {
    await load(specifier);
    return true;
  } catch {
    return false;
  }
}

/** The absolute path of an executable on PATH, like `which`, or undefined. */
export async function findOnPath(command: string, opts: CliProbeOptions): Promise<string | undefined> {
  const path = (opts.env ?? process.env).PATH ?? '';
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, command);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** The result of running a runtime that is not available: no call is made, the reason is the evidence. */
export function unavailableResult(descriptor: RuntimeDescriptor): RuntimeResult {
  return {
    status: 'FAILED',
    output: '',
    turns: 0,
    failure: failure('INVALID_REQUEST', `Runtime ${descriptor.id} is not available: ${descriptor.unavailableReason ?? 'unknown reason'}`),
  };
}
