import { parseQualifiedToolName } from './mcp/tool-names.js';
import { toolFingerprint } from './mcp/tool-fingerprint.js';
import type { EngineResources } from '../resources.js';
import { McpConnections, type McpConnectionsOptions } from './mcp/mcp-connections.js';
import type { McpServerStatus } from './mcp/connection.js';
import { McpServerRegistry, type McpServerInput, type McpServerView } from './mcp-server-registry.js';
import type { McpToolLookup } from './grant-references.js';

/** A registered server and how it is doing right now. */
export interface McpServerState extends McpServerView {
  /** Connected now (after connecting on this first use, for an enabled server). */
  connected: boolean;
  /** Why it is not connected, or its last failure; null when all went well. */
  lastError: string | null;
  /** Its tools from `tools/list` (the last list while disconnected). */
  tools: McpServerStatus['tools'];
}

/**
 * MCP servers of this process: the registry (what is configured, stored) and the live
 * connections (what runs), kept in step: every change to the registry reconfigures the
 * connections, which start a server on first use and stop every child on close.
 */
export class McpServers implements McpToolLookup {
  readonly registry: McpServerRegistry;
  readonly connections: McpConnections;
  private secrets: readonly string[] = [];

  constructor(resources: EngineResources, options: { env?: NodeJS.ProcessEnv; connections?: McpConnectionsOptions } = {}) {
    this.registry = new McpServerRegistry(resources, { env: options.env });
    this.connections = new McpConnections([], options.connections);
  }

  /** Loads the stored servers into the connection layer (at start-up; nothing is started yet). */
  async sync(): Promise<void> {
    const configs = await this.registry.configs();
    this.secrets = configs.flatMap((c) => [...Object.values(c.env ?? {}), ...Object.values(c.headers ?? {})]).filter((v) => v.trim());
    await this.connections.configure(configs);
  }

  /** The env and header values of the registered servers, as of the last sync: no message or tool result may carry them. */
  async secretValues(): Promise<readonly string[]> {
    return this.secrets;
  }

  list(): Promise<McpServerView[]> {
    return this.registry.list();
  }

  get(id: string): Promise<McpServerView | null> {
    return this.registry.get(id);
  }

  async create(input: McpServerInput): Promise<McpServerView> {
    const view = await this.registry.create(input);
    await this.sync();
    return view;
  }

  async update(id: string, input: McpServerInput): Promise<McpServerView> {
    const view = await this.registry.update(id, input);
    await this.sync();
    return view;
  }

  async delete(id: string): Promise<string> {
    const deleted = await this.registry.delete(id);
    await this.sync();
    return deleted;
  }

  /**
   * A server's live state. Asking is a use: an enabled server that is not connected yet is
   * connected first (its failure shows in `lastError`); a disabled one says so.
   */
  async state(view: McpServerView): Promise<McpServerState> {
    if (!this.connections.serverIds().includes(view.id)) await this.sync(); // registered by another process since
    const unreadable = this.registry.unreadableSecrets(view.id);
    if (unreadable) return { ...view, connected: false, lastError: unreadable, tools: [] };
    const status = view.enabled ? await this.connections.connect(view.id) : this.connections.status(view.id);
    return {
      ...view,
      connected: status.connected,
      lastError: view.enabled ? status.lastError : 'Disabled: enable the server to connect to it.',
      tools: status.tools,
    };
  }

  async serverNames(): Promise<string[]> {
    return (await this.list()).map((s) => s.name);
  }

  /** The tools a server lists now, connecting on first use; the reason when it cannot say. */
  async toolNames(name: string): Promise<{ tools: string[] } | { error: string }> {
    const view = (await this.list()).find((s) => s.name === name);
    if (!view) return { error: `no server is named "${name}"` };
    const state = await this.state(view);
    if (!state.connected && state.tools.length === 0) return { error: state.lastError ?? 'not connected' };
    return { tools: state.tools.map((t) => t.name) };
  }

  /** The fingerprint of a qualified tool as its server lists it now (last known list), or null. */
  fingerprintOf(qualified: string): string | null {
    const parsed = parseQualifiedToolName(qualified);
    if (!parsed) return null;
    for (const id of this.connections.serverIds()) {
      if (this.connections.config(id)?.name !== parsed.server) continue;
      const tool = this.connections.status(id).tools.find((t) => t.name === parsed.tool);
      return tool ? toolFingerprint(tool) : null;
    }
    return null;
  }

  /** Stops every server this process started. */
  close(): Promise<void> {
    return this.connections.close();
  }
}
