import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { filesystemServer, processExists } from '../../test/fixtures/mcp/fixture-configs.js';
import { SecretBox } from '../settings/secret-box.js';
import { createTestEngine, type TestEngine } from '../testing/index.js';

let t: TestEngine;
let closed = false;
beforeEach(async () => {
  t = await createTestEngine();
  closed = false;
});
afterEach(async () => {
  if (!closed) await t.close();
});

/** The registry's filesystem server on a folder with one file, registered through the engine. */
async function registerFiles(enabled = true) {
  const root = mkdtempSync(join(tmpdir(), 'stagent-mcp-files-'));
  writeFileSync(join(root, 'notes.txt'), 'quarterly numbers');
  const { command, args } = filesystemServer(root);
  return t.engine.mcpServers.create({ name: 'files', transport: 'STDIO', command, args, enabled });
}

describe('MCP servers of an engine (registry and connections together)', () => {
  it('connects a registered server on first use, lists its tools, and stops its child when the engine closes', async () => {
    const view = await registerFiles();
    const state = await t.engine.mcpServers.state(view);
    expect(state).toMatchObject({ name: 'files', connected: true, lastError: null });
    expect(state.tools.map((tool) => tool.name)).toContain('read_text_file');
    const pid = t.engine.mcpServers.connections.status(view.id).pid!;
    expect(processExists(pid)).toBe(true);
    await t.close();
    closed = true;
    expect(processExists(pid)).toBe(false);
  });

  it('reconnects with the new configuration after an update, and forgets a deleted server', async () => {
    const view = await registerFiles();
    const before = t.engine.mcpServers.connections.status(view.id);
    expect(before.connected).toBe(false); // registering starts nothing
    await t.engine.mcpServers.state(view);
    const firstPid = t.engine.mcpServers.connections.status(view.id).pid!;
    const updated = await t.engine.mcpServers.update(view.id, { name: 'docs', transport: 'STDIO', command: view.command, args: view.args });
    expect(processExists(firstPid)).toBe(false);
    expect((await t.engine.mcpServers.state(updated)).connected).toBe(true);
    await t.engine.mcpServers.delete(view.id);
    expect(t.engine.mcpServers.connections.serverIds()).toEqual([]);
  });

  it('says a disabled server is disabled and starts nothing for it', async () => {
    const view = await registerFiles(false);
    const state = await t.engine.mcpServers.state(view);
    expect(state).toMatchObject({ connected: false, lastError: 'Disabled: enable the server to connect to it.', tools: [] });
    expect(t.engine.mcpServers.connections.status(view.id).pid).toBeNull();
  });

  it('a server whose env can no longer be decrypted (the key changed) does not stop start-up: it shows why, starts nothing, and takes new env', async () => {
    const registered = await registerFiles();
    const { command, args, name, transport } = registered;
    const view = await t.engine.mcpServers.update(registered.id, { name, transport, command, args, env: { TOKEN: 'sealed-with-the-old-key' } });
    // As after a replaced secret.key or STAGENT_SECRET_KEY: the stored env was sealed with another key.
    t.engine.resources.secrets = SecretBox.forDataDir(':memory:');
    await t.engine.mcpServers.sync();
    const state = await t.engine.mcpServers.state(view);
    expect(state).toMatchObject({ connected: false, tools: [] });
    expect(state.lastError).toContain('cannot be decrypted');
    expect(t.engine.mcpServers.connections.status(view.id).pid).toBeNull();
    // Without new env an update cannot keep the unreadable one: it says so on the field.
    await expect(t.engine.mcpServers.update(view.id, { name, transport, command, args })).rejects.toMatchObject({ code: 'UNAVAILABLE', field: ['env'] });
    const fixed = await t.engine.mcpServers.update(view.id, { name, transport, command, args, env: { TOKEN: 'sealed-with-the-new-key' } });
    expect((await t.engine.mcpServers.state(fixed)).connected).toBe(true);
  });
});
