import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './harness.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.dispose());

const ERR = 'errors { field message code }';
const SERVER = 'id name transport command args url secretKeys enabled';
const CREATE = /* GraphQL */ `mutation ($input: McpServerInput!) { createMcpServer(input: $input) { mcpServer { ${SERVER} } ${ERR} } }`;
const UPDATE = /* GraphQL */ `mutation ($id: ID!, $input: McpServerInput!) { updateMcpServer(id: $id, input: $input) { mcpServer { ${SERVER} } ${ERR} } }`;
const DELETE = /* GraphQL */ `mutation ($id: ID!) { deleteMcpServer(id: $id) { deletedId ${ERR} } }`;
const LIST = /* GraphQL */ `{ mcpServers { ${SERVER} connected lastError tools { name qualifiedName description inputSchema } } }`;

/** The registry's filesystem server (a dev dependency of the engine) on a folder with one file. */
function filesystemServer() {
  // A dev dependency of the engine, resolved from the engine's own folder.
  const engineRequire = createRequire(join(import.meta.dirname, '../../../packages/engine/package.json'));
  const entry = join(dirname(engineRequire.resolve('@modelcontextprotocol/server-filesystem/package.json')), 'dist/index.js');
  const root = mkdtempSync(join(tmpdir(), 'stagent-api-mcp-'));
  writeFileSync(join(root, 'notes.txt'), 'quarterly numbers');
  return { name: 'files', transport: 'STDIO', command: process.execPath, args: [entry, root], env: { FILES_TOKEN: 'tok-5551212' } };
}

describe('MCP servers over GraphQL', () => {
  it('registers a STDIO server, lists it with its tools from the real server, and never returns its env values', async () => {
    const input = filesystemServer();
    const created = (await t.gql(CREATE, { input })).data.createMcpServer;
    expect(created.errors).toEqual([]);
    expect(created.mcpServer).toMatchObject({
      name: 'files',
      transport: 'STDIO',
      command: process.execPath,
      url: null,
      secretKeys: ['FILES_TOKEN'],
      enabled: true,
    });
    const listed = await t.gql(LIST);
    expect(JSON.stringify(listed)).not.toContain('tok-5551212');
    const [server] = listed.data.mcpServers;
    expect(server).toMatchObject({ name: 'files', connected: true, lastError: null });
    const read = server.tools.find((tool: { name: string }) => tool.name === 'read_text_file');
    expect(read).toMatchObject({ qualifiedName: 'mcp__files__read_text_file' });
    expect(read.inputSchema).toMatchObject({ type: 'object' });
  });

  it('shows why a server cannot connect in lastError', async () => {
    const input = { name: 'broken', transport: 'STDIO', command: process.execPath, args: ['-e', 'process.stderr.write("no license key"); process.exit(3)'] };
    expect((await t.gql(CREATE, { input })).data.createMcpServer.errors).toEqual([]);
    const [server] = (await t.gql(LIST)).data.mcpServers;
    expect(server).toMatchObject({ connected: false, tools: [] });
    expect(server.lastError).toMatch(/code 3/);
    expect(server.lastError).toContain('no license key');
  });

  it('answers every bad field as a UserError with its path and stores nothing', async () => {
    const bad = await t.gql(CREATE, {
      input: { name: 'Bad__Name', transport: 'STREAMABLE_HTTP', command: 'node', url: 'ftp://x', headers: { 'Bad Header': 'x', Good: 7 } },
    });
    expect(bad.data.createMcpServer).toEqual({
      mcpServer: null,
      errors: [
        expect.objectContaining({ field: ['name'], code: 'INVALID_VALUE' }),
        expect.objectContaining({ field: ['url'], code: 'INVALID_VALUE' }),
        expect.objectContaining({ field: ['command'], code: 'NOT_APPLICABLE' }),
        expect.objectContaining({ field: ['headers', 'Bad Header'], code: 'INVALID_VALUE' }),
        expect.objectContaining({ field: ['headers', 'Good'], code: 'WRONG_TYPE' }),
      ],
    });
    const missing = await t.gql(CREATE, { input: { name: 'ghost', transport: 'STDIO', command: 'no-such-mcp-command-4711' } });
    expect(missing.data.createMcpServer.errors).toEqual([
      { field: ['command'], code: 'NOT_FOUND', message: 'The command "no-such-mcp-command-4711" is not an executable file nor found on PATH.' },
    ]);
    expect((await t.gql(LIST)).data.mcpServers).toEqual([]);
  });

  it('refuses a duplicate name, updates keeping the write-only env, and deletes (NOT_FOUND after)', async () => {
    const { id } = (await t.gql(CREATE, { input: filesystemServer() })).data.createMcpServer.mcpServer;
    const dup = await t.gql(CREATE, { input: filesystemServer() });
    expect(dup.data.createMcpServer.errors).toEqual([expect.objectContaining({ field: ['name'], code: 'CONFLICT' })]);
    const { env: _env, ...withoutEnv } = filesystemServer();
    const updated = (await t.gql(UPDATE, { id, input: { ...withoutEnv, name: 'docs', enabled: false } })).data.updateMcpServer;
    expect(updated).toMatchObject({ errors: [], mcpServer: { name: 'docs', enabled: false, secretKeys: ['FILES_TOKEN'] } });
    const [disabled] = (await t.gql(LIST)).data.mcpServers;
    expect(disabled).toMatchObject({ connected: false, lastError: 'Disabled: enable the server to connect to it.', tools: [] });
    expect((await t.gql(DELETE, { id })).data.deleteMcpServer).toEqual({ deletedId: id, errors: [] });
    expect((await t.gql(DELETE, { id })).data.deleteMcpServer.errors).toEqual([expect.objectContaining({ field: ['id'], code: 'NOT_FOUND' })]);
    expect((await t.gql(UPDATE, { id, input: withoutEnv })).data.updateMcpServer.errors).toEqual([
      expect.objectContaining({ field: ['id'], code: 'NOT_FOUND' }),
    ]);
  });
});
