import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { queryServed, SPAWN_TIMEOUT_MS, stagent, stopStartedClis } from './cli-process.js';

const dirs: string[] = [];
afterEach(async () => {
  await stopStartedClis();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Pids of live processes whose command line contains `text` (Linux /proc). */
function processesWith(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const state = /^State:\s+(\w)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      if (cmdline.includes(text) && state !== 'Z') pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

describe('stagent serve and its MCP servers', () => {
  it(
    'stops the STDIO servers it started when it gets SIGTERM, even one that ignores SIGTERM and its stdin closing',
    { timeout: SPAWN_TIMEOUT_MS * 2 },
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'stagent-mcp-serve-'));
      // A unique argument in the child's command line finds the child among the machine's processes.
      const marker = mkdtempSync(join(tmpdir(), 'stagent-mcp-marker-'));
      dirs.push(dataDir, marker);
      // The engine's fault server in its stubborn mode: only SIGKILL ends it, so only a shutdown
      // that stops its children leaves no orphan (a well-behaved server also exits when its stdin closes).
      const tsx = pathToFileURL(createRequire(join(import.meta.dirname, '../../../packages/engine/package.json')).resolve('tsx')).href;
      const server = join(import.meta.dirname, '../../../packages/engine/test/fixtures/mcp/fault-server.ts');
      const serve = stagent(['serve'], { STAGENT_DATA_DIR: dataDir });
      await serve.waitFor(/Stagent API on http:/);
      const args = ['--import', tsx, server, 'stubborn', marker];
      const input = JSON.stringify({ name: 'stubborn', transport: 'STDIO', command: process.execPath, args }).replace(/"(\w+)":/g, '$1:');
      const created = await queryServed<{ createMcpServer: { errors: unknown[] } }>(
        serve,
        `mutation { createMcpServer(input: ${input.replace('"STDIO"', 'STDIO')}) { errors { field code } } }`,
      );
      expect(created.createMcpServer.errors).toEqual([]);
      const listed = await queryServed<{ mcpServers: { connected: boolean }[] }>(serve, '{ mcpServers { connected } }');
      expect(listed.mcpServers).toEqual([{ connected: true }]);
      const children = processesWith(marker);
      expect(children).toHaveLength(1);

      serve.child.kill('SIGTERM');
      const { code } = await serve.exited;
      expect(code).toBe(0);
      expect(processesWith(marker)).toEqual([]);
    },
  );
});
