/**
 * How MCP tools are named towards models: `mcp__<server>__<tool>`, the convention Claude Code
 * uses, so a grant, a model's tool call and a stored ToolCall all carry one string.
 */

/** A server name: lower case, starts with a letter, at most 32 characters. The registry validates names with it. */
export const MCP_SERVER_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;

const PREFIX = 'mcp__';
const SEPARATOR = '__';

/** Whether `name` can name an MCP server. */
export function isMcpServerName(name: string): boolean {
  return MCP_SERVER_NAME_PATTERN.test(name);
}

/** The name a model sees for `tool` on `server`: `mcp__files__read_text_file`. */
export function qualifiedToolName(server: string, tool: string): string {
  return `${PREFIX}${server}${SEPARATOR}${tool}`;
}

/**
 * The server and tool of a qualified name, or null when `name` is not one. The split is at the
 * first `__` after the prefix: tool names may contain `__`, and a server name that contains `__`
 * itself (the pattern allows `a__b`) would be read wrongly, so the registry should refuse those.
 */
export function parseQualifiedToolName(name: string): { server: string; tool: string } | null {
  if (!name.startsWith(PREFIX)) return null;
  const rest = name.slice(PREFIX.length);
  const at = rest.indexOf(SEPARATOR);
  if (at <= 0) return null;
  const server = rest.slice(0, at);
  const tool = rest.slice(at + SEPARATOR.length);
  if (!isMcpServerName(server) || tool === '') return null;
  return { server, tool };
}
