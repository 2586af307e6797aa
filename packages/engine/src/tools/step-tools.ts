import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { pinTools, toolPins } from '../db/tool-call-store.js';
import { inSqlTransaction } from '../db/unit-of-work.js';
import type { EngineResources } from '../resources.js';
import { ToolRunFailure } from '../runtimes/tool-turn.js';
import type { AgentTool } from '../runtimes/runtime.js';
import type { McpServers } from './mcp-servers.js';
import { qualifiedToolName } from './mcp/tool-names.js';
import { toolFingerprint } from './mcp/tool-fingerprint.js';
import { approvalFor, serversReachedBy, type ToolApproval, type ToolGrant } from './tool-grants.js';

/** The MCP tools a step may use, and what each call of them needs. */
export interface GrantedTools {
  tools: AgentTool[];
  /** By qualified name: AUTO, ASK (also for a tool that changed since it was accepted) or DENY. */
  approvals: Map<string, ToolApproval>;
}

/** Limits of every tool call (settings `tools.callTimeoutMs`, `tools.maxResultChars`). */
export interface ToolCallLimits {
  timeoutMs: number;
  maxResultChars: number;
}

/**
 * Turns a step's grant lists (in the order they are read: the step's, its profile's, the
 * workflow's; `profiles/effective-step.ts` `grantLayers`) into agent tools over the
 * registered MCP servers: every enabled server a grant reaches is connected, and each of its
 * tools that a grant matches becomes a tool named `mcp__<server>__<tool>` with its grant's
 * approval. A tool is accepted in the form it had when it was first granted (its fingerprint is
 * pinned then); a tool whose description or input schema changed since asks (ASK) until a
 * person approves a call to it, whatever its grant says, unless the grant denies it.
 */
export async function grantedMcpTools(
  resources: EngineResources,
  mcp: McpServers,
  layers: readonly (readonly ToolGrant[] | null | undefined)[],
  /** Read only when some grant exists: most steps have none, and this runs for every step attempt. */
  limitsOf: () => Promise<ToolCallLimits>,
): Promise<GrantedTools> {
  const all = layers.flatMap((grants) => grants ?? []);
  const granted: GrantedTools = { tools: [], approvals: new Map() };
  if (all.length === 0) return granted;
  const limits = await limitsOf();
  const servers = (await mcp.list()).filter((s) => s.enabled);
  const reached = new Set(
    serversReachedBy(
      all,
      servers.map((s) => s.name),
    ),
  );
  const found: { serverId: string; name: string; tool: Tool; approval: ToolApproval }[] = [];
  for (const server of servers.filter((s) => reached.has(s.name))) {
    const state = await mcp.state(server);
    for (const tool of state.tools) {
      const name = qualifiedToolName(server.name, tool.name);
      const approval = approvalFor(name, layers);
      if (approval) found.push({ serverId: server.id, name, tool, approval });
    }
  }
  const pins = await toolPins(
    resources,
    found.map((f) => f.name),
  );
  const firstSeen = found.filter((f) => !pins.has(f.name)).map((f) => ({ name: f.name, fingerprint: toolFingerprint(f.tool) }));
  if (firstSeen.length) await inSqlTransaction(resources, (uow) => pinTools(uow.sql, firstSeen, resources.clock.now()));
  for (const f of found) {
    const pinned = pins.get(f.name);
    const changed = pinned !== undefined && pinned !== toolFingerprint(f.tool);
    const approval: ToolApproval = changed && f.approval === 'AUTO' ? 'ASK' : f.approval;
    granted.approvals.set(f.name, approval);
    granted.tools.push(mcpAgentTool(mcp, f.serverId, f.name, f.tool, approval, limits));
  }
  return granted;
}

function mcpAgentTool(mcp: McpServers, serverId: string, name: string, tool: Tool, approval: ToolApproval, limits: ToolCallLimits): AgentTool {
  return {
    name,
    // The server's words, offered to the model as they are; a person sees the same text when asked to approve.
    description: tool.description ?? tool.title ?? `MCP tool ${tool.name}.`,
    inputSchema: tool.inputSchema as Record<string, unknown>,
    approval,
    async run(input, signal) {
      const result = await mcp.connections.callTool(serverId, tool.name, input, { signal, timeoutMs: limits.timeoutMs, maxResultChars: limits.maxResultChars });
      if (result.status === 'SUCCEEDED') return result.output;
      const why = result.error ?? 'the tool call failed.';
      throw new ToolRunFailure(result.status, result.output ? `${why}\n${result.output}` : why);
    },
  };
}
