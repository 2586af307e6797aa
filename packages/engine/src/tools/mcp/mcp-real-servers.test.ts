// The registry's own servers from npm (dev dependencies), and a Streamable HTTP server on a loopback port.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { everythingServer, filesystemServer, waitFor } from '../../../test/fixtures/mcp/fixture-configs.js';
import { startHttpFixture } from '../../../test/fixtures/mcp/http-server.js';
import { McpConnections, type McpServerConfig } from './index.js';

let connections: McpConnections | undefined;
afterEach(async () => {
  await connections?.close();
  connections = undefined;
});

describe('@modelcontextprotocol/server-filesystem', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'stagent-mcp-files-'));
    writeFileSync(join(root, 'notes.txt'), 'Quarterly numbers: 42 widgets, 7 gadgets.\n');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads a real file with read_text_file', async () => {
    connections = new McpConnections([filesystemServer(root)]);
    const result = await connections.callTool('srv_files', 'read_text_file', { path: join(root, 'notes.txt') });
    expect(result).toMatchObject({ status: 'SUCCEEDED', error: null });
    expect(result.output).toBe('Quarterly numbers: 42 widgets, 7 gadgets.\n');
    expect(connections.status('srv_files').tools.map((t) => t.name)).toContain('read_text_file');
  });

  it('gives the model the server’s refusal of a path outside its folder as FAILED', async () => {
    connections = new McpConnections([filesystemServer(root)]);
    const result = await connections.callTool('srv_files', 'read_text_file', { path: '/etc/passwd' });
    expect(result.status).toBe('FAILED');
    expect(result.error).toMatch(/denied|outside/i);
  });
});

describe('@modelcontextprotocol/server-everything (STDIO)', () => {
  it('lists its tools, echoes, and sees only the minimal environment', async () => {
    process.env.OPENAI_API_KEY = 'sk-parent-secret';
    try {
      connections = new McpConnections([{ ...everythingServer(), env: { EVERYTHING_OWN: 'set' } }]);
      const echo = await connections.callTool('srv_everything', 'echo', { message: 'hi' });
      expect(echo).toMatchObject({ status: 'SUCCEEDED', output: 'Echo: hi' });
      const env = JSON.parse((await connections.callTool('srv_everything', 'get-env', {})).output) as Record<string, string>;
      expect(env.EVERYTHING_OWN).toBe('set');
      expect(env.OPENAI_API_KEY).toBeUndefined();
      expect(env.STAGENT_API_TOKEN).toBeUndefined();
      const tools = connections.status('srv_everything').tools.map((t) => t.name);
      expect(tools).toEqual(expect.arrayContaining(['echo', 'get-env', 'get-sum']));
    } finally {
      delete process.env.OPENAI_API_KEY;
    }
  });

  it('describes non-text content briefly', async () => {
    connections = new McpConnections([everythingServer()]);
    const image = await connections.callTool('srv_everything', 'get-tiny-image', {});
    expect(image.status).toBe('SUCCEEDED');
    expect(image.output).toMatch(/\[image: image\/png, [\d,]+ bytes, not shown\]/);
  });
});

describe('Streamable HTTP', () => {
  let server: Awaited<ReturnType<typeof startHttpFixture>>;
  beforeAll(async () => (server = await startHttpFixture()));
  afterAll(() => server.close());

  function http(url: string): McpServerConfig {
    return { id: 'srv_http', name: 'remote', transport: 'STREAMABLE_HTTP', url, args: [], env: {}, headers: { 'X-Stagent-Test': 'configured' }, enabled: true };
  }

  it('connects lazily, calls a tool and sends the configured headers', async () => {
    connections = new McpConnections([http(server.url)]);
    expect(connections.status('srv_http').connected).toBe(false);
    expect(await connections.callTool('srv_http', 'echo', { text: 'over http' })).toMatchObject({ status: 'SUCCEEDED', output: 'over http' });
    expect(connections.status('srv_http')).toMatchObject({ connected: true, lastError: null, pid: null });
    expect(await connections.callTool('srv_http', 'header', { name: 'x-stagent-test' })).toMatchObject({ output: 'configured' });
  });

  it('sees the endpoint go away on the next call, and reconnects when it is back', async () => {
    const own = await startHttpFixture();
    connections = new McpConnections([http(own.url)], { backoff: { initialMs: 50, maxMs: 200 } });
    expect((await connections.connect('srv_http')).connected).toBe(true);
    await own.close();
    const failed = await connections.callTool('srv_http', 'echo', { text: 'x' });
    expect(failed.status).toBe('FAILED');
    expect(connections.status('srv_http').connected).toBe(false);
    expect(connections.status('srv_http').lastError).toMatch(/ECONNREFUSED|fetch failed/);
    const back = await startHttpFixture(own.port);
    try {
      await waitFor(() => connections!.status('srv_http').connected, 'the reconnect');
      expect(await connections.callTool('srv_http', 'echo', { text: 'again' })).toMatchObject({ status: 'SUCCEEDED', output: 'again' });
    } finally {
      await back.close();
    }
  });

  it('reports an endpoint that does not answer', async () => {
    const down = await startHttpFixture();
    await down.close();
    connections = new McpConnections([http(down.url)]);
    const status = await connections.connect('srv_http');
    expect(status.connected).toBe(false);
    expect(status.lastError).toMatch(/ECONNREFUSED|fetch failed/);
  });
});
