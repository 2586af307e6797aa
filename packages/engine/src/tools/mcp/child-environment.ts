import { tmpdir } from 'node:os';
import type { McpServerConfig } from './server-config.js';

/**
 * The environment of a STDIO server's process: PATH and HOME from ours, then the server's own
 * configured variables. Never a copy of `process.env`: the API's provider keys and its token stay
 * in the API (STYLE §10).
 */
export function childEnvironment(config: Pick<McpServerConfig, 'env'>, parent: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME'] as const) {
    const value = parent[key];
    if (value !== undefined && !value.startsWith('()')) env[key] = value;
  }
  return { ...env, ...config.env };
}

/** Where a STDIO server runs: its configured directory, else the system's temporary directory (not the API's working directory). */
export function childWorkingDirectory(config: Pick<McpServerConfig, 'cwd'>): string {
  return config.cwd && config.cwd.trim() !== '' ? config.cwd : tmpdir();
}
