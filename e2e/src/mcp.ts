import { symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gql, mutate } from './api';
import { REPO } from './servers';

/** The real filesystem MCP server, installed as a dev dependency of the engine (its MCP tests run it too). */
export const FILESYSTEM_SERVER = createRequire(join(REPO, 'packages/engine/package.json')).resolve('@modelcontextprotocol/server-filesystem/dist/index.js');

/**
 * The filesystem server's entry as an argument. The API takes arguments of at most 200
 * characters, and a clone in a deep folder makes the real path (inside node_modules/.pnpm)
 * longer: then a symlink in `dir` stands in for it (Node runs the file it points to).
 */
export function entryArgument(dir: string): string {
  if (FILESYSTEM_SERVER.length <= 200) return FILESYSTEM_SERVER;
  const link = join(dir, 'filesystem-server.js');
  symlinkSync(FILESYSTEM_SERVER, link);
  return link;
}

export interface McpServerRow {
  id: string;
  name: string;
  command: string | null;
  args: string[];
  secretKeys: string[];
  enabled: boolean;
}

/** Every registered server's configuration (no live state: asking for it would connect). */
export async function mcpServers(): Promise<McpServerRow[]> {
  return (await gql<{ mcpServers: McpServerRow[] }>('{ mcpServers { id name command args secretKeys enabled } }')).mcpServers;
}

/** Deletes the server with this name, if there is one. */
export async function deleteMcpServerNamed(name: string): Promise<void> {
  const server = (await mcpServers()).find((s) => s.name === name);
  if (!server) return;
  await mutate('deleteMcpServer', 'mutation ($id: ID!) { deleteMcpServer(id: $id) { deletedId errors { field message code } } }', { id: server.id });
}

/** Registers the filesystem server over `root` through the API (for specs that do not test the page). */
export async function createFilesystemServer(name: string, root: string): Promise<void> {
  await mutate('createMcpServer', 'mutation ($input: McpServerInput!) { createMcpServer(input: $input) { mcpServer { id } errors { field message code } } }', {
    input: { name, transport: 'STDIO', command: 'node', args: [entryArgument(root), root], enabled: true },
  });
}
