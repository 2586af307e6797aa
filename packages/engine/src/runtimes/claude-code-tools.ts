import { newId } from '../ids.js';
import { parseQualifiedToolName, qualifiedToolName } from '../tools/mcp/tool-names.js';
import type { ClaudeAgentSdk } from './claude-code-session.js';
import { jsonSchemaToZodShape } from './json-schema-shape.js';
import type { AgentTool, RuntimeHooks, ToolCallRequest, ToolOutcomeStatus } from './runtime.js';
import { ToolRunFailure } from './tool-turn.js';

/**
 * The tool side of a `claude-code` task, as Agent SDK options. Each tool is served by an
 * in-process SDK MCP server named after its own MCP server, so the model sees the names the
 * direct runtimes use: Stagent's built-ins (read_document, search_documents, finish) on
 * `stagent` (`mcp__stagent__read_document`), a granted `mcp__files__read_text_file` on `files`
 * (`mcp__files__read_text_file`). Every handler calls our AgentTool.run, so the engine's
 * timeouts, result cut, abort and ToolCall reports apply. Approvals: AUTO tools are in
 * `allowedTools`; everything else reaches `canUseTool`, which refuses DENY and ASK calls (the
 * CLI owns the loop: a task cannot stop here and go on later without holding the CLI process).
 */

/** The in-process server of Stagent's built-in tools. */
export const BUILT_IN_SERVER = 'stagent';

/** How tools coordinate with the session: wait for the call's verdict, report that the task is done. */
export interface ToolControl {
  gate(): Promise<void>;
  onEnd(): void;
  /** Aborted when the session stops. */
  signal: AbortSignal;
}

/** The SDK's `canUseTool` answer (`PermissionResult` in sdk.d.ts). */
export type PermissionResult = { behavior: 'allow'; updatedInput?: Record<string, unknown> } | { behavior: 'deny'; message: string };

/** The SDK's `canUseTool` callback, the fields of its options read here. */
export type CanUseTool = (toolName: string, input: Record<string, unknown>, options: { signal: AbortSignal; toolUseID: string }) => Promise<PermissionResult>;

/** The `query()` options that give the model its tools. */
export interface ClaudeCodeToolOptions {
  mcpServers: Record<string, unknown>;
  allowedTools: string[];
  canUseTool?: CanUseTool;
}

/** A tool as the CLI knows it: its server, its name on that server, the name the model sees. */
interface ServedTool {
  server: string;
  toolName: string;
  modelName: string;
  tool: AgentTool;
}

/** Where each tool is served: a qualified MCP name on its own server, anything else on `stagent`. */
export function servedTools(tools: readonly AgentTool[]): ServedTool[] {
  return tools.map((tool) => {
    const mcp = parseQualifiedToolName(tool.name);
    const server = mcp?.server ?? BUILT_IN_SERVER;
    const toolName = mcp?.tool ?? tool.name;
    return { server, toolName, modelName: qualifiedToolName(server, toolName), tool };
  });
}

/** The SDK options for `tools`, or undefined when the task has none. */
export function claudeCodeToolOptions(
  sdk: ClaudeAgentSdk,
  tools: readonly AgentTool[],
  hooks: RuntimeHooks,
  control: ToolControl,
): ClaudeCodeToolOptions | undefined {
  if (tools.length === 0) return undefined;
  const served = servedTools(tools);
  const byServer = new Map<string, ServedTool[]>();
  for (const s of served) byServer.set(s.server, [...(byServer.get(s.server) ?? []), s]);
  const mcpServers: Record<string, unknown> = {};
  for (const [server, list] of byServer)
    mcpServers[server] = sdk.createSdkMcpServer({
      name: server,
      version: '1.0.0',
      // Never deferred behind tool search: the model must see every granted tool from turn 1.
      alwaysLoad: true,
      tools: list.map((s) => sdkTool(sdk, s, hooks, control)),
    });
  const auto = served.filter((s) => approvalOf(s) === 'AUTO');
  const options: ClaudeCodeToolOptions = { mcpServers, allowedTools: auto.map((s) => s.modelName) };
  // Only when a call can be refused: with `allowedTools` set, the SDK warns on every query that
  // `canUseTool` is shadowed for those names (intended here: AUTO calls need no callback).
  if (auto.length < served.length) options.canUseTool = permissionGate(served, hooks, control);
  return options;
}

function approvalOf(s: ServedTool): 'AUTO' | 'ASK' | 'DENY' {
  return s.tool.approval ?? 'AUTO';
}

/** What the model reads instead of a result when a call is refused. */
export function refusalText(modelName: string, approval: 'ASK' | 'DENY'): string {
  return approval === 'DENY'
    ? `The call to ${modelName} was refused by this step's tool grants; it did not run. Go on without it.`
    : `The call to ${modelName} needs a person's approval, and this step's runtime (claude-code) cannot pause to wait for one; it did not run. Go on without it.`;
}

/**
 * `canUseTool`: reached for the calls `allowedTools` does not cover. DENY and ASK calls are
 * refused and reported DENIED, once per call id, after the call's usage verdict (as in the
 * direct runtimes, a turn that a cap stops records no tool calls).
 */
function permissionGate(served: readonly ServedTool[], hooks: RuntimeHooks, control: ToolControl): CanUseTool {
  const byModelName = new Map(served.map((s) => [s.modelName, s]));
  const reported = new Set<string>();
  return async (toolName, input, { toolUseID }) => {
    const s = byModelName.get(toolName);
    // Only our servers exist (built-in tools are off), so this is a tool we never offered.
    if (!s) return { behavior: 'deny', message: `Unknown tool "${toolName}"; it did not run.` };
    const approval = approvalOf(s);
    if (approval === 'AUTO') return { behavior: 'allow', updatedInput: input };
    await control.gate();
    if (control.signal.aborted) return new Promise<never>(() => {});
    const message = refusalText(s.modelName, approval);
    if (!reported.has(toolUseID)) {
      reported.add(toolUseID);
      hooks.onToolFinish({ id: toolUseID, name: s.tool.name, input }, message, 'DENIED');
    }
    return { behavior: 'deny', message };
  };
}

/** The CLI puts the model's tool_use id into each tools/call request's `_meta`. */
function toolUseIdOf(extra: unknown): string {
  const meta = (extra as { _meta?: Record<string, unknown> } | undefined)?._meta;
  const id = meta?.['claudecode/toolUseId'];
  return typeof id === 'string' && id ? id : newId();
}

function sdkTool(sdk: ClaudeAgentSdk, s: ServedTool, hooks: RuntimeHooks, control: ToolControl): unknown {
  const { tool } = s;
  const signal = control.signal;
  return sdk.tool(s.toolName, tool.description, jsonSchemaToZodShape(tool.inputSchema), async (args, extra) => {
    await control.gate();
    // A stopped task never answers: the CLI must not get a result to send on before it is closed.
    if (signal.aborted) return new Promise<never>(() => {});
    const call: ToolCallRequest = { id: toolUseIdOf(extra), name: tool.name, input: args };
    hooks.onToolStart(call);
    let text: string;
    let status: ToolOutcomeStatus = 'SUCCEEDED';
    try {
      text = await tool.run(args, signal);
      if (tool.endsTask) control.onEnd();
    } catch (err) {
      status = signal.aborted ? 'CANCELLED' : err instanceof ToolRunFailure ? err.status : 'FAILED';
      text = `Tool ${tool.name} failed: ${err instanceof Error ? err.message : String(err)}`;
    }
    hooks.onToolFinish(call, text, status);
    return { content: [{ type: 'text', text }], isError: status !== 'SUCCEEDED' };
  });
}
