import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, ValidationError } from '../errors.js';
import { withSqlExecutor } from '../db/sql-executor.js';
import { createTestEngine, type TestEngine } from '../testing/index.js';
import type { McpServerInput } from './mcp-server-registry.js';

let t: TestEngine;
beforeEach(async () => {
  t = await createTestEngine();
});
afterEach(() => t.close());

const stdio = (overrides: Partial<McpServerInput> = {}): McpServerInput => ({
  name: 'files',
  transport: 'STDIO',
  command: process.execPath,
  args: ['server.js', '/tmp/docs'],
  env: { FILES_TOKEN: 'secret-token-value-1234' },
  ...overrides,
});

/** The ValidationError's issues as `field: code`, in order. */
async function issuesOf(promise: Promise<unknown>): Promise<string[]> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  const issues = error instanceof ValidationError ? error.issues : [error as ValidationError];
  return issues.map((i) => `${(i.field ?? []).join('.')}: ${i.code}`);
}

/** Every stored row of mcp_servers as text, to prove what is (not) stored. */
const storedText = () => withSqlExecutor(t.engine.resources.orm, async (sql) => JSON.stringify(await sql.all('select * from mcp_servers', [])));

describe('MCP server registry', () => {
  it('registers a STDIO server and returns its config without the env values, which are stored sealed', async () => {
    const view = await t.engine.mcpServers.create(stdio());
    expect(view).toMatchObject({
      name: 'files',
      transport: 'STDIO',
      command: process.execPath,
      args: ['server.js', '/tmp/docs'],
      url: null,
      secretKeys: ['FILES_TOKEN'],
      enabled: true,
    });
    expect(JSON.stringify(view)).not.toContain('secret-token-value-1234');
    expect(await storedText()).not.toContain('secret-token-value-1234');
    const [config] = await t.engine.mcpServers.registry.configs();
    expect(config).toMatchObject({ name: 'files', env: { FILES_TOKEN: 'secret-token-value-1234' }, headers: {} });
  });

  it('registers a Streamable HTTP server with sealed headers', async () => {
    const view = await t.engine.mcpServers.create({
      name: 'remote',
      transport: 'STREAMABLE_HTTP',
      url: 'http://127.0.0.1:8123/mcp',
      headers: { Authorization: 'Bearer xyz-9876' },
    });
    expect(view).toMatchObject({ transport: 'STREAMABLE_HTTP', command: null, args: [], url: 'http://127.0.0.1:8123/mcp', secretKeys: ['Authorization'] });
    expect(await storedText()).not.toContain('xyz-9876');
    expect((await t.engine.mcpServers.registry.configs())[0]!.headers).toEqual({ Authorization: 'Bearer xyz-9876' });
  });

  it('keeps stored env values when an update leaves env out, and clears them with {}', async () => {
    const { id } = await t.engine.mcpServers.create(stdio());
    const renamed = await t.engine.mcpServers.update(id, { ...stdio({ name: 'docs', env: undefined }) });
    expect(renamed).toMatchObject({ name: 'docs', secretKeys: ['FILES_TOKEN'] });
    expect((await t.engine.mcpServers.registry.configs())[0]!.env).toEqual({ FILES_TOKEN: 'secret-token-value-1234' });
    expect((await t.engine.mcpServers.update(id, stdio({ name: 'docs', env: {} }))).secretKeys).toEqual([]);
    expect((await t.engine.mcpServers.registry.configs())[0]!.env).toEqual({});
  });

  it('finds a command on PATH and an absolute executable; refuses one that does not exist', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagent-mcp-cmd-'));
    const script = join(dir, 'server.sh');
    writeFileSync(script, '#!/bin/sh\n');
    chmodSync(script, 0o755);
    await t.engine.mcpServers.create(stdio({ name: 'on-path', command: 'node' }));
    await t.engine.mcpServers.create(stdio({ name: 'absolute', command: script }));
    expect(await issuesOf(t.engine.mcpServers.create(stdio({ name: 'missing', command: 'no-such-mcp-server-xyz' })))).toEqual(['command: NOT_FOUND']);
    expect(await issuesOf(t.engine.mcpServers.create(stdio({ name: 'relative', command: './server.sh' })))).toEqual(['command: NOT_FOUND']);
    expect(await issuesOf(t.engine.mcpServers.create(stdio({ name: 'not-exec', command: join(dir) })))).toEqual(['command: NOT_FOUND']);
  });

  it('reports every bad field at once and stores nothing', async () => {
    const bad = await issuesOf(
      t.engine.mcpServers.create({
        name: 'Files!',
        transport: 'STDIO',
        command: null,
        url: 'http://x',
        headers: { a: 'b' },
        env: { 'BAD NAME': 'x', OK: 5 as unknown as string },
      }),
    );
    expect(bad).toEqual([
      'name: INVALID_VALUE',
      'command: INVALID_VALUE',
      'url: NOT_APPLICABLE',
      'headers: NOT_APPLICABLE',
      'env.BAD NAME: INVALID_VALUE',
      'env.OK: WRONG_TYPE',
    ]);
    expect(await issuesOf(t.engine.mcpServers.create({ name: 'remote', transport: 'STREAMABLE_HTTP', command: 'node', args: ['x'], env: { A: 'b' } }))).toEqual(
      ['url: INVALID_VALUE', 'command: NOT_APPLICABLE', 'args: NOT_APPLICABLE', 'env: NOT_APPLICABLE'],
    );
    expect(await issuesOf(t.engine.mcpServers.create({ name: 'remote', transport: 'STREAMABLE_HTTP', url: 'file:///etc/passwd' }))).toEqual([
      'url: INVALID_VALUE',
    ]);
    expect(await issuesOf(t.engine.mcpServers.create({ name: 'x', transport: 'SSE' }))).toEqual(['transport: INVALID_VALUE']);
    // env / headers must be objects (a string would be read as keys "0", "1", ...); an empty one of the other transport is harmless.
    expect(await issuesOf(t.engine.mcpServers.create(stdio({ env: 'TOKEN=x' as never })))).toEqual(['env: WRONG_TYPE']);
    expect(await issuesOf(t.engine.mcpServers.create(stdio({ env: ['x'] as never })))).toEqual(['env: WRONG_TYPE']);
    expect(
      await issuesOf(t.engine.mcpServers.create({ name: 'remote', transport: 'STREAMABLE_HTTP', url: 'http://127.0.0.1:1/mcp', headers: 'x' as never })),
    ).toEqual(['headers: WRONG_TYPE']);
    expect(await issuesOf(t.engine.mcpServers.create(stdio({ name: 'stagent' })))).toEqual(['name: INVALID_VALUE']);
    expect(await issuesOf(t.engine.mcpServers.create(stdio({ name: 'a'.repeat(33) })))).toEqual(['name: INVALID_VALUE']);
    expect(await t.engine.mcpServers.list()).toEqual([]);
  });

  it('refuses a duplicate name (CONFLICT on name) on create and on rename, leaving both servers as they were', async () => {
    await t.engine.mcpServers.create(stdio());
    const other = await t.engine.mcpServers.create(stdio({ name: 'other' }));
    expect(await issuesOf(t.engine.mcpServers.create(stdio()))).toEqual([`name: ${ErrorCode.CONFLICT}`]);
    expect(await issuesOf(t.engine.mcpServers.update(other.id, stdio()))).toEqual([`name: ${ErrorCode.CONFLICT}`]);
    expect((await t.engine.mcpServers.list()).map((s) => s.name)).toEqual(['files', 'other']);
  });

  it('answers NOT_FOUND for an unknown id on update and delete, and deletes a known one', async () => {
    expect(await issuesOf(t.engine.mcpServers.update('nope', stdio()))).toEqual(['id: NOT_FOUND']);
    expect(await issuesOf(t.engine.mcpServers.delete('nope'))).toEqual(['id: NOT_FOUND']);
    const { id } = await t.engine.mcpServers.create(stdio());
    expect(await t.engine.mcpServers.delete(id)).toBe(id);
    expect(await t.engine.mcpServers.list()).toEqual([]);
  });
});
