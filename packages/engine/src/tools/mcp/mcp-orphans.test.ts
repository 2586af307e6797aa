// A process that holds MCP connections and gets SIGTERM, as the API does when it stops, leaves no MCP child behind.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { processExists, TSX_LOADER } from '../../../test/fixtures/mcp/fixture-configs.js';

it('a SIGTERM to the process holding MCP connections ends its STDIO servers too', async () => {
  const parent = spawn(process.execPath, ['--import', TSX_LOADER, join(import.meta.dirname, '../../../test/fixtures/mcp/orphan-parent.ts')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  parent.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    let stdout = '';
    const ready = await new Promise<RegExpMatchArray>((resolve, reject) => {
      parent.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /READY (\d+)/.exec(stdout);
        if (match) resolve(match);
      });
      parent.once('exit', () => reject(new Error(`the parent exited early: ${stdout} ${stderr}`)));
    });
    const grandchild = Number(ready[1]);
    expect(processExists(grandchild)).toBe(true);

    const exited = once(parent, 'exit');
    parent.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
    expect(processExists(grandchild)).toBe(false);
  } finally {
    if (parent.exitCode === null && parent.signalCode === null) parent.kill('SIGKILL');
  }
});
