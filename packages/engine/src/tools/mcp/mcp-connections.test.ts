// Real STDIO servers of our own (test/fixtures/mcp/fault-server.ts) for each fault; nothing mocked.
import { afterEach, describe, expect, it } from 'vitest';
import { faultServer, processExists, waitFor } from '../../../test/fixtures/mcp/fixture-configs.js';
import { McpConnections } from './index.js';

let connections: McpConnections | undefined;
afterEach(async () => {
  await connections?.close();
  connections = undefined;
});

function open(...configs: Parameters<typeof faultServer>[]): McpConnections {
  connections = new McpConnections(configs.length ? configs.map((c) => faultServer(...c)) : [faultServer()], { killGraceMs: 500 });
  return connections;
}

describe('McpConnections over STDIO', () => {
  it('connects on first use and caches tools/list', async () => {
    const mcp = open();
    expect(mcp.status('srv_normal')).toEqual({ connected: false, lastError: null, tools: [], pid: null });
    const result = await mcp.callTool('srv_normal', 'echo', { text: 'hello' });
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: 'hello', error: null, cut: null });
    const status = mcp.status('srv_normal');
    expect(status.connected).toBe(true);
    expect(status.pid).toBeGreaterThan(0);
    expect(status.tools.map((t) => t.name)).toEqual(expect.arrayContaining(['echo', 'hang', 'fail', 'big', 'add_tool']));
  });

  it('shares one connection between concurrent callers', async () => {
    const mcp = open();
    const results = await Promise.all([1, 2, 3].map((n) => mcp.callTool('srv_normal', 'pid', {})));
    expect(new Set(results.map((r) => r.output)).size).toBe(1);
    expect(results[0].output).toBe(String(mcp.status('srv_normal').pid));
  });

  it('refreshes the tool list on notifications/tools/list_changed', async () => {
    const mcp = open();
    await mcp.connect('srv_normal');
    expect(mcp.status('srv_normal').tools.some((t) => t.name === 'late_tool')).toBe(false);
    await mcp.callTool('srv_normal', 'add_tool', { name: 'late_tool' });
    await waitFor(() => mcp.status('srv_normal').tools.some((t) => t.name === 'late_tool'), 'the refreshed tool list');
    expect(await mcp.callTool('srv_normal', 'late_tool', {})).toMatchObject({ status: 'SUCCEEDED', output: 'late_tool ran' });
  });

  it('reports a server that exits at start: connected false, exit code and stderr in lastError', async () => {
    const mcp = open(['exit-at-start']);
    const result = await mcp.callTool('srv_exit-at-start', 'echo', { text: 'x' });
    expect(result.status).toBe('FAILED');
    expect(result.error).toContain('cannot read its configuration file');
    const status = await mcp.connect('srv_exit-at-start');
    expect(status.connected).toBe(false);
    expect(status.lastError).toMatch(/exited with code 3.*cannot read its configuration file/s);
  });

  it('reports a command that does not exist', async () => {
    connections = new McpConnections([{ ...faultServer(), command: '/nonexistent/mcp-server' }]);
    const status = await connections.connect('srv_normal');
    expect(status).toMatchObject({ connected: false, pid: null });
    expect(status.lastError).toMatch(/could not start "\/nonexistent\/mcp-server".*ENOENT/);
  });

  it('reports a configuration it cannot start in lastError and as a FAILED call', async () => {
    connections = new McpConnections([
      { ...faultServer(), command: null },
      { id: 'srv_http', name: 'remote', transport: 'STREAMABLE_HTTP', url: 'not a url', args: [], env: {}, headers: {}, enabled: true },
    ]);
    expect((await connections.connect('srv_normal')).lastError).toContain('needs a command');
    expect((await connections.connect('srv_http')).lastError).toMatch(/Invalid URL/);
    expect(await connections.callTool('srv_normal', 'echo', { text: 'x' })).toMatchObject({ status: 'FAILED' });
  });

  it('times out a hanging call within its timeout', async () => {
    const mcp = open();
    await mcp.connect('srv_normal');
    const result = await mcp.callTool('srv_normal', 'hang', {}, { timeoutMs: 300 });
    expect(result.status).toBe('TIMED_OUT');
    expect(result.error).toContain('300 ms');
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
    expect(result.durationMs).toBeLessThan(1_500);
    // The connection survives a timed-out call.
    expect(await mcp.callTool('srv_normal', 'echo', { text: 'still here' })).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('cancels a hanging call when its signal aborts, within 2 s', async () => {
    const mcp = open();
    await mcp.connect('srv_normal');
    const controller = new AbortController();
    const started = Date.now();
    const pending = mcp.callTool('srv_normal', 'hang', {}, { signal: controller.signal, timeoutMs: 30_000 });
    setTimeout(() => controller.abort(), 200);
    const result = await pending;
    expect(result.status).toBe('CANCELLED');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await mcp.callTool('srv_normal', 'echo', { text: 'after' })).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('is CANCELLED at once for a signal that is already aborted', async () => {
    const mcp = open();
    const result = await mcp.callTool('srv_normal', 'echo', { text: 'x' }, { signal: AbortSignal.abort() });
    expect(result.status).toBe('CANCELLED');
  });

  it('turns isError into FAILED with the tool’s text', async () => {
    const mcp = open();
    const result = await mcp.callTool('srv_normal', 'fail', {});
    expect(result.status).toBe('FAILED');
    expect(result.error).toContain('disk on fire: /var/data is read-only');
    expect(result.output).toBe('disk on fire: /var/data is read-only');
  });

  it('cuts 1 MB of output to maxResultChars and says so', async () => {
    const mcp = open();
    const result = await mcp.callTool('srv_normal', 'big', {}, { maxResultChars: 20_000 });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.cut).toEqual({ totalChars: 1_048_576, shownChars: 20_000 });
    expect(result.output.endsWith('\n[cut: 1,048,576 characters, showing the first 20,000]')).toBe(true);
    expect(result.output.length).toBe(20_000 + '\n[cut: 1,048,576 characters, showing the first 20,000]'.length);
  });

  it('answers an unknown tool, an unknown server and bad arguments with a tool error', async () => {
    const mcp = open();
    const unknownTool = await mcp.callTool('srv_normal', 'rm_rf', {});
    expect(unknownTool.status).toBe('FAILED');
    expect(unknownTool.error).toMatch(/has no tool "rm_rf".*echo/);
    const unknownServer = await mcp.callTool('srv_nope', 'echo', {});
    expect(unknownServer).toMatchObject({ status: 'FAILED', error: 'There is no MCP server "srv_nope".' });
    const badArgs = await mcp.callTool('srv_normal', 'echo', { text: 42 });
    expect(badArgs.status).toBe('FAILED');
    expect(badArgs.error).toMatch(/do not match the input schema of "echo".*text/);
  });

  it('starts the child with PATH, HOME and its own env only, in a directory that is not ours', async () => {
    process.env.OPENAI_API_KEY = 'sk-parent-secret';
    process.env.STAGENT_API_TOKEN = 'parent-token';
    try {
      const mcp = open(['normal', { env: { SERVER_OWN: 'yes' } }]);
      const result = await mcp.callTool('srv_normal', 'env', {});
      const reported = JSON.parse(result.output) as { names: string[]; cwd: string; values: Record<string, string> };
      expect(reported.names).not.toContain('OPENAI_API_KEY');
      expect(reported.names).not.toContain('STAGENT_API_TOKEN');
      expect(JSON.stringify(reported.values)).not.toContain('sk-parent-secret');
      expect(reported.values.SERVER_OWN).toBe('yes');
      expect(reported.values.PATH).toBe(process.env.PATH);
      // Only what we gave, plus what Node sets in its children itself.
      expect(reported.names.filter((n) => !['PATH', 'HOME', 'SERVER_OWN'].includes(n) && !n.startsWith('NODE_'))).toEqual([]);
      expect(reported.cwd).not.toBe(process.cwd());
    } finally {
      delete process.env.OPENAI_API_KEY;
      delete process.env.STAGENT_API_TOKEN;
    }
  });

  it('sees a killed child at once and reconnects with backoff', async () => {
    const mcp = open();
    const first = (await mcp.connect('srv_normal')).pid!;
    process.kill(first, 'SIGKILL');
    await waitFor(() => !mcp.status('srv_normal').connected, 'the disconnect');
    expect(mcp.status('srv_normal').lastError).toContain('killed by SIGKILL');
    await waitFor(() => mcp.status('srv_normal').connected, 'the reconnect');
    const second = mcp.status('srv_normal').pid!;
    expect(second).not.toBe(first);
    expect(mcp.status('srv_normal').lastError).toBeNull();
    expect(await mcp.callTool('srv_normal', 'pid', {})).toMatchObject({ status: 'SUCCEEDED', output: String(second) });
  });

  it('close() leaves no child alive, even one busy with a hanging call', async () => {
    const mcp = open();
    const pid = (await mcp.connect('srv_normal')).pid!;
    const hanging = mcp.callTool('srv_normal', 'hang', {}, { timeoutMs: 10_000 });
    await mcp.close();
    expect(processExists(pid)).toBe(false);
    expect((await hanging).status).toBe('FAILED');
  });

  it('close() sends SIGKILL to a child that ignores SIGTERM, after the grace', async () => {
    const mcp = open(['stubborn']);
    const pid = (await mcp.connect('srv_stubborn')).pid!;
    const started = Date.now();
    await mcp.close();
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(processExists(pid)).toBe(false);
  });

  it('configure() reconnects a changed server, closes a removed one, and keeps an unchanged one', async () => {
    const mcp = open();
    const pid = (await mcp.connect('srv_normal')).pid!;
    await mcp.configure([faultServer()]);
    expect(mcp.status('srv_normal').pid).toBe(pid);
    await mcp.configure([faultServer('normal', { env: { CHANGED: '1' } })]);
    expect(processExists(pid)).toBe(false);
    const changed = await mcp.callTool('srv_normal', 'env', {});
    expect((JSON.parse(changed.output) as { values: Record<string, string> }).values.CHANGED).toBe('1');
    const second = mcp.status('srv_normal').pid!;
    await mcp.configure([]);
    expect(processExists(second)).toBe(false);
    expect(() => mcp.status('srv_normal')).toThrow(/does not exist/);
  });
});
