/**
 * One MCP server's connection: started on first use, shared by every caller, watched for its
 * end (a child that exits, an HTTP endpoint that fails), reconnected with bounded backoff, its
 * tool list cached and refreshed on `notifications/tools/list_changed`. `status()` reads the
 * state as it is: connected only while the handshake is done and the transport is alive.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { McpError, ToolListChangedNotificationSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { backoffDelay, cancellableDelay, type BackoffPolicy } from './backoff.js';
import { childEnvironment, childWorkingDirectory } from './child-environment.js';
import { McpConfigError, McpServerUnavailableError, describeError } from './mcp-errors.js';
import type { McpServerConfig } from './server-config.js';
import { StdioProcessTransport } from './stdio-transport.js';

/** What a caller (and the dashboard) may know about a server. */
export interface McpServerStatus {
  connected: boolean;
  /** Why the server is not connected, or the last failure since; null when all went well. */
  lastError: string | null;
  /** The tools of the last successful tools/list (kept while disconnected, marked by `connected`). */
  tools: Tool[];
  /** The STDIO child's pid while it runs. */
  pid: number | null;
}

export interface McpConnectionOptions {
  backoff: BackoffPolicy;
  /** The handshake and first tools/list together. */
  connectTimeoutMs: number;
  killGraceMs: number;
  /** Called after every change of status (connected, lastError or tools). */
  onChange?: (serverId: string) => void;
}

const CLIENT_INFO = { name: 'stagent', version: '0.1.0' };

export class McpConnection {
  private client?: Client;
  private transport?: Transport;
  /** The transport of a connect in progress, so close() can end it. */
  private pending?: Transport;
  private connecting?: Promise<Client>;
  private tools: Tool[] = [];
  private lastError: string | null = null;
  private lastTransportError: string | null = null;
  private retry?: AbortController;
  private attempts = 0;
  private refreshes = 0;
  private closed = false;

  constructor(
    readonly config: McpServerConfig,
    private readonly options: McpConnectionOptions,
  ) {}

  status(): McpServerStatus {
    const pid = this.transport instanceof StdioProcessTransport ? this.transport.pid : null;
    return { connected: this.client !== undefined, lastError: this.lastError, tools: this.tools, pid };
  }

  /** The tool called `name` in the cached list. */
  tool(name: string): Tool | undefined {
    return this.tools.find((t) => t.name === name);
  }

  /** The connected client, connecting first when needed; one connect at a time, shared by all callers. */
  ready(): Promise<Client> {
    if (this.closed) return Promise.reject(new McpServerUnavailableError(this.config.id, this.config.name, 'its connection was closed.'));
    if (!this.config.enabled) return Promise.reject(new McpServerUnavailableError(this.config.id, this.config.name, 'it is disabled.'));
    if (this.client) return Promise.resolve(this.client);
    if (!this.connecting) {
      const reconnecting = this.retry !== undefined;
      this.retry?.abort();
      this.retry = undefined;
      this.connecting = this.open().finally(() => (this.connecting = undefined));
      // A caller that comes during the backoff connects at once; if that fails too, the backoff goes on.
      if (reconnecting) this.connecting.catch(() => this.scheduleReconnect());
    }
    return this.connecting;
  }

  private createTransport(): Transport {
    const config = this.config;
    if (config.transport === 'STDIO') {
      if (!config.command) throw new McpConfigError(`MCP server "${config.name}" uses STDIO and needs a command.`, 'command');
      return new StdioProcessTransport({
        command: config.command,
        args: config.args,
        env: childEnvironment(config),
        cwd: childWorkingDirectory(config),
        killGraceMs: this.options.killGraceMs,
      });
    }
    if (!config.url) throw new McpConfigError(`MCP server "${config.name}" uses Streamable HTTP and needs a URL.`, 'url');
    return new StreamableHTTPClientTransport(new URL(config.url), {
      requestInit: { headers: config.headers },
      // We reconnect ourselves, with our own backoff; the SDK's SSE retries would hide a dead server.
      reconnectionOptions: { initialReconnectionDelay: 1000, maxReconnectionDelay: 1000, reconnectionDelayGrowFactor: 1, maxRetries: 0 },
    });
  }

  /** One connection attempt: spawn or reach the server, the handshake, the first tools/list. */
  private async open(): Promise<Client> {
    let transport: Transport;
    try {
      transport = this.createTransport();
    } catch (error) {
      this.lastError = describeError(error);
      this.changed();
      throw error;
    }
    const client = new Client(CLIENT_INFO, { capabilities: {} });
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      // Detached on purpose: refreshTools records its own failure in lastError.
      void this.refreshTools(client);
    });
    client.onclose = () => this.lost(client, transport);
    client.onerror = (error) => (this.lastTransportError = describeError(error));
    this.pending = transport;
    this.lastTransportError = null;
    try {
      await client.connect(transport, { timeout: this.options.connectTimeoutMs });
      const tools = await this.listAllTools(client);
      if (this.closed) throw new McpServerUnavailableError(this.config.id, this.config.name, 'its connection was closed.');
      this.client = client;
      this.transport = transport;
      this.tools = tools;
      this.lastError = null;
      this.attempts = 0;
      this.changed();
      return client;
    } catch (error) {
      // Read before closing: after close() the child's end is our own SIGTERM.
      const reason = (transport instanceof StdioProcessTransport ? transport.exitReason() : null) ?? this.describe(error);
      await client.close().catch(() => {});
      this.lastError = reason;
      this.changed();
      throw new McpServerUnavailableError(this.config.id, this.config.name, reason, error);
    } finally {
      if (this.pending === transport) this.pending = undefined;
    }
  }

  private describe(error: unknown): string {
    const message = describeError(error);
    if (error instanceof McpError && this.lastTransportError && !message.includes(this.lastTransportError)) return `${message} (${this.lastTransportError})`;
    return message;
  }

  private async listAllTools(client: Client): Promise<Tool[]> {
    const tools: Tool[] = [];
    if (!client.getServerCapabilities()?.tools) return tools;
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : undefined, { timeout: this.options.connectTimeoutMs });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
    return tools;
  }

  /** Reads tools/list again (after list_changed, or when a caller asks for a tool the cache lacks). */
  async refreshTools(client = this.client): Promise<void> {
    if (!client) return;
    const seq = ++this.refreshes;
    try {
      const tools = await this.listAllTools(client);
      if (this.client !== client || seq !== this.refreshes) return;
      this.tools = tools;
    } catch (error) {
      if (this.client !== client) return;
      this.lastError = `tools/list failed: ${describeError(error)}`;
    }
    this.changed();
  }

  /** Calls a tool on the live connection. The caller maps errors; a failure of the HTTP transport drops the connection. */
  async call(client: Client, name: string, args: Record<string, unknown>, options: { signal: AbortSignal; timeout: number }): Promise<CallToolResult> {
    try {
      return (await client.callTool({ name, arguments: args }, undefined, { signal: options.signal, timeout: options.timeout })) as CallToolResult;
    } catch (error) {
      // fetch failing (TypeError) or an HTTP error status (a session the server forgot): the HTTP connection is gone.
      // STDIO needs no such guess: its child's end closes the transport.
      if ((error instanceof TypeError || error instanceof StreamableHTTPError) && !options.signal.aborted) {
        this.lastTransportError = describeError(error);
        void client.close().catch(() => {});
        this.lost(client, this.transport);
      }
      throw error;
    }
  }

  /** The connection of `client` ended by itself: record why, and reconnect with backoff. */
  private lost(client: Client, transport: Transport | undefined): void {
    if (this.client !== client) return; // a failed attempt (open() reports it) or a connection we closed
    this.client = undefined;
    this.transport = undefined;
    const exit = transport instanceof StdioProcessTransport ? transport.exitReason() : null;
    this.lastError = exit ?? this.lastTransportError ?? 'the connection closed.';
    this.changed();
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || !this.config.enabled || this.retry || this.client) return;
    const { backoff } = this.options;
    if (this.attempts >= backoff.maxAttempts) {
      this.lastError = `${this.lastError ?? 'disconnected'} (gave up reconnecting after ${backoff.maxAttempts} attempts; the next use tries again)`;
      this.attempts = 0;
      this.changed();
      return;
    }
    const retry = new AbortController();
    this.retry = retry;
    const delay = backoffDelay(backoff, this.attempts++);
    void cancellableDelay(delay, retry.signal).then((elapsed) => {
      if (!elapsed || this.retry !== retry) return;
      this.retry = undefined;
      this.ready().catch(() => this.scheduleReconnect());
    });
  }

  private changed(): void {
    this.options.onChange?.(this.config.id);
  }

  /** Ends the connection for good: no reconnect, the child stopped (SIGTERM, then SIGKILL) and reaped. */
  async close(): Promise<void> {
    this.closed = true;
    this.retry?.abort();
    this.retry = undefined;
    const client = this.client;
    const pending = this.pending;
    this.client = undefined;
    this.transport = undefined;
    this.pending = undefined;
    await Promise.all([client?.close().catch(() => {}), pending?.close().catch(() => {})]);
    await this.connecting?.catch(() => {});
    this.changed();
  }
}
