/**
 * The configuration of one MCP server as the connection layer needs it: a plain object the caller
 * (the registry) hands over. Secrets in `env` and `headers` arrive decrypted; this layer keeps them
 * in memory only.
 */

export type McpTransportKind = 'STDIO' | 'STREAMABLE_HTTP';

export interface McpServerConfig {
  id: string;
  /** Matches MCP_SERVER_NAME_PATTERN; tools reach models as `mcp__<name>__<tool>`. */
  name: string;
  transport: McpTransportKind;
  /** STDIO: the executable to start. */
  command?: string | null;
  /** STDIO: its arguments. */
  args: string[];
  /** STREAMABLE_HTTP: the endpoint, e.g. `https://example.com/mcp`. */
  url?: string | null;
  /** STDIO: the child's own environment, added to PATH and HOME. */
  env: Record<string, string>;
  /** STREAMABLE_HTTP: headers sent with every request (an Authorization header, typically). */
  headers: Record<string, string>;
  /** STDIO: the child's working directory; default os.tmpdir(), never the API's own. */
  cwd?: string | null;
  enabled: boolean;
}

/** Whether two configurations start the same connection (a change in any field means a reconnect). */
export function sameConnection(a: McpServerConfig, b: McpServerConfig): boolean {
  return canonical(a) === canonical(b);
}

function canonical(config: McpServerConfig): string {
  const sorted = (record: Record<string, string>) => Object.entries(record).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return JSON.stringify([
    config.name,
    config.transport,
    config.command ?? null,
    config.args,
    config.url ?? null,
    sorted(config.env),
    sorted(config.headers),
    config.cwd ?? null,
    config.enabled,
  ]);
}
