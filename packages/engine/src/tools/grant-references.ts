/**
 * Checks that tool grants name servers and tools that exist: a grant that names a server
 * exactly needs that server registered; one that names a tool exactly needs the server to list
 * it (the server is connected to find out). Globs are judged only by their exact parts, so
 * `mcp__files__*` needs the server `files` and `mcp__*` needs nothing.
 */
import { ErrorCode } from '../errors.js';
import { isGlob, parseGrantPattern, type ToolGrant } from './tool-grants.js';

/** What grant checks need to know about the registered MCP servers. */
export interface McpToolLookup {
  /** Names of the registered servers (enabled or not). */
  serverNames(): Promise<string[]>;
  /** The tool names a server lists (connecting on first use), or why they cannot be listed now. */
  toolNames(server: string): Promise<{ tools: string[] } | { error: string }>;
}

/** A lookup with no servers (for code paths that validate without an engine). */
export const NO_MCP_SERVERS: McpToolLookup = {
  serverNames: async () => [],
  toolNames: async () => ({ error: 'No MCP servers are registered.' }),
};

type Add = (message: string, field: (string | number)[], code?: ErrorCode) => void;

/** Reports every grant that repeats an earlier one of its list or names an unknown server or tool. */
export async function checkGrantReferences(
  lists: { grants: readonly ToolGrant[]; field: (string | number)[] }[],
  lookup: McpToolLookup,
  add: Add,
): Promise<void> {
  if (lists.every((l) => l.grants.length === 0)) return;
  const servers = new Set(await lookup.serverNames());
  const toolsByServer = new Map<string, Promise<{ tools: string[] } | { error: string }>>();
  const toolsOf = (server: string) => {
    let listed = toolsByServer.get(server);
    if (!listed) toolsByServer.set(server, (listed = lookup.toolNames(server)));
    return listed;
  };
  for (const { grants, field } of lists) {
    const seen = new Set<string>();
    for (const [j, grant] of grants.entries()) {
      const at = [...field, j, 'tool'];
      if (seen.has(grant.tool)) {
        add(`"${grant.tool}" is granted twice in this list; only the first grant would count. Remove one.`, at, ErrorCode.INVALID_DEFINITION);
        continue;
      }
      seen.add(grant.tool);
      const pattern = parseGrantPattern(grant.tool);
      if (typeof pattern === 'string' || isGlob(pattern.server)) continue; // malformed ones are reported by the schema
      if (!servers.has(pattern.server)) {
        const known = [...servers];
        add(
          `No MCP server is named "${pattern.server}". ${known.length ? `Registered: ${known.join(', ')}.` : 'Register it first (createMcpServer).'}`,
          at,
          ErrorCode.NOT_FOUND,
        );
        continue;
      }
      if (isGlob(pattern.tool)) continue;
      const listed = await toolsOf(pattern.server);
      if ('error' in listed)
        add(
          `Cannot check "${grant.tool}": the tools of "${pattern.server}" cannot be listed (${listed.error}). Fix the server, or grant mcp__${pattern.server}__* instead.`,
          at,
          ErrorCode.UNAVAILABLE,
        );
      else if (!listed.tools.includes(pattern.tool))
        add(`The MCP server "${pattern.server}" has no tool "${pattern.tool}". Its tools: ${listed.tools.join(', ') || 'none'}.`, at, ErrorCode.NOT_FOUND);
    }
  }
}
