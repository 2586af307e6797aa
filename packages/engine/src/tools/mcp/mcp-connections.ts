/**
 * The MCP servers of one engine: their connections (one per server, shared by every caller,
 * opened on first use), their status, and tool calls by server and tool name. The registry hands
 * in the configurations; `configure` reconciles them and `close` stops every child.
 */
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { callMcpTool, type McpCallOptions } from './call-tool.js';
import { McpConnection, type McpServerStatus } from './connection.js';
import { NotFoundError } from '../../errors.js';
import { sameConnection, type McpServerConfig } from './server-config.js';
import type { McpToolCallResult } from './tool-result.js';

export interface McpConnectionsOptions {
  backoff?: Partial<BackoffPolicy>;
  /** Handshake plus first tools/list. Default 30,000 ms. */
  connectTimeoutMs?: number;
  /** Between SIGTERM and SIGKILL when a STDIO child is stopped. Default 1,000 ms. */
  killGraceMs?: number;
  /** Called when a server's status changes (connected, lastError, tools): a registry can re-check grants on a new tool list. */
  onChange?: (serverId: string, status: McpServerStatus) => void;
}

export class McpConnections {
  private readonly connections = new Map<string, McpConnection>();
  private closed = false;

  constructor(
    configs: McpServerConfig[] = [],
    private readonly options: McpConnectionsOptions = {},
  ) {
    void this.configure(configs);
  }

  private create(config: McpServerConfig): McpConnection {
    const connection = new McpConnection(config, {
      backoff: { ...DEFAULT_BACKOFF, ...this.options.backoff },
      connectTimeoutMs: this.options.connectTimeoutMs ?? 30_000,
      killGraceMs: this.options.killGraceMs ?? 1_000,
      onChange: (id) => {
        // Events of a replaced or removed connection are not this server's state any more.
        if (this.connections.get(id) === connection) this.options.onChange?.(id, connection.status());
      },
    });
    return connection;
  }

  /**
   * Makes the set of servers `configs`: new ones are added (and connect on first use), changed
   * ones are closed and reopened lazily, missing ones are closed. Resolves once every closed
   * connection's child is gone.
   */
  async configure(configs: McpServerConfig[]): Promise<void> {
    const wanted = new Map(configs.map((c) => [c.id, c]));
    const closing: Promise<void>[] = [];
    for (const [id, connection] of this.connections) {
      const next = wanted.get(id);
      if (next && sameConnection(next, connection.config)) continue;
      this.connections.delete(id);
      closing.push(connection.close());
    }
    if (!this.closed) for (const config of configs) if (!this.connections.has(config.id)) this.connections.set(config.id, this.create(config));
    await Promise.all(closing);
  }

  /** The servers configured, by id. */
  serverIds(): string[] {
    return [...this.connections.keys()];
  }

  private connection(serverId: string): McpConnection {
    const connection = this.connections.get(serverId);
    if (!connection) throw new NotFoundError('MCP server', serverId);
    return connection;
  }

  /** The configuration of a server, if it is configured. */
  config(serverId: string): McpServerConfig | undefined {
    return this.connections.get(serverId)?.config;
  }

  /** The server's state now. Does not connect. */
  status(serverId: string): McpServerStatus {
    return this.connection(serverId).status();
  }

  /** Connects when needed and returns the status after; a failure shows in `lastError`, never as a throw. */
  async connect(serverId: string): Promise<McpServerStatus> {
    const connection = this.connection(serverId);
    await connection.ready().catch(() => {});
    return connection.status();
  }

  /**
   * Calls `toolName` on the server `serverId` (connecting first when needed). Every outcome is a
   * result: an unknown server or tool, arguments that fail the input schema, a tool's `isError`
   * and protocol errors are FAILED with an explanation; the deadline gives TIMED_OUT, the signal
   * CANCELLED.
   */
  async callTool(serverId: string, toolName: string, args: Record<string, unknown>, options: McpCallOptions = {}): Promise<McpToolCallResult> {
    const connection = this.connections.get(serverId);
    if (!connection) return { status: 'FAILED', output: '', error: `There is no MCP server "${serverId}".`, durationMs: 0, cut: null };
    return callMcpTool(connection, toolName, args, options);
  }

  /** Closes every connection and stops every child (SIGTERM, then SIGKILL after the grace); resolves when they are reaped. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(all.map((c) => c.close()));
  }
}
