import { servedTools } from './claude-code-tools.js';
import { codexRefusalText } from './codex-mcp-bridge.js';
import type { AgentTool, RuntimeHooks, ToolOutcomeStatus } from './runtime.js';

/**
 * Codex's approval requests mapped onto Stagent's ToolCall approvals. With `approvalPolicy:
 * on-request` the app server asks its client before anything the read-only sandbox does not allow
 * and before every MCP tool call:
 *
 * - `mcpServer/elicitation/request` with `_meta.codex_approval_kind = mcp_tool_call`: the call of
 *   one of the task's tools. AUTO grants are accepted (the bridge then runs the tool); DENY and ASK
 *   are declined and reported DENIED, since the CLI owns the loop and the task cannot stop here
 *   and wait for a person;
 * - `item/commandExecution/requestApproval`, `item/fileChange/requestApproval` (and their legacy
 *   forms): a command or an edit outside the read-only sandbox. No grant covers those, so they
 *   are declined; the item then ends `declined` and is reported DENIED (`toolReports`).
 *
 * Codex's own shell commands that the sandbox allows (reading files in the task folder) run
 * without a request; they are reported as tool calls named {@link CODEX_COMMAND_TOOL}.
 */

/** The ToolCall name of a shell command Codex ran (or wanted to run). */
export const CODEX_COMMAND_TOOL = 'codex_command';
/** The ToolCall name of a file change Codex made (or wanted to make). */
export const CODEX_FILE_CHANGE_TOOL = 'codex_file_change';

/** A `ThreadItem` of the app-server protocol (v2), the fields read here. */
export interface CodexItem {
  type: string;
  id: string;
  text?: string;
  server?: string;
  tool?: string;
  command?: string;
  cwd?: string;
  status?: string;
  aggregatedOutput?: string | null;
  exitCode?: number | null;
  changes?: { path: string; kind?: unknown }[];
}

/** What the approval answers need to know. */
export interface ApprovalContext {
  tools: readonly AgentTool[];
  hooks: RuntimeHooks;
  /** Items seen so far, by id (the call ids of MCP tool calls). */
  items: ReadonlyMap<string, CodexItem>;
}

/** The answer to a request from the app server; unknown requests are refused with an error. */
export async function codexApprovalAnswer(method: string, params: Record<string, unknown>, ctx: ApprovalContext): Promise<unknown> {
  switch (method) {
    case 'mcpServer/elicitation/request':
      return mcpToolApproval(params, ctx);
    case 'item/commandExecution/requestApproval':
    case 'item/fileChange/requestApproval':
      return { decision: 'decline' };
    case 'execCommandApproval':
    case 'applyPatchApproval':
      return { decision: { denied: { rejection: 'Stagent runs Codex in a read-only sandbox; nothing outside it is approved.' } } };
    default:
      throw new TypeError(`Stagent does not answer ${method} requests.`);
  }
}

function mcpToolApproval(params: Record<string, unknown>, ctx: ApprovalContext): unknown {
  const decline = { action: 'decline', content: null, _meta: null };
  const meta = (params._meta ?? {}) as { codex_approval_kind?: string; tool_name?: string; tool_params?: Record<string, unknown> };
  if (meta.codex_approval_kind !== 'mcp_tool_call') return decline;
  const server = String(params.serverName ?? '');
  const served = servedTools(ctx.tools).find((s) => s.server === server && s.toolName === meta.tool_name);
  if (!served) return decline;
  const approval = served.tool.approval ?? 'AUTO';
  if (approval === 'AUTO') return { action: 'accept', content: {}, _meta: null };
  const item = [...ctx.items.values()].reverse().find((i) => i.type === 'mcpToolCall' && i.server === server && i.tool === served.toolName);
  const call = { id: item?.id ?? `codex-mcp-${server}-${served.toolName}`, name: served.tool.name, input: meta.tool_params ?? {} };
  ctx.hooks.onToolFinish(call, codexRefusalText(served.modelName, approval), 'DENIED');
  return decline;
}

/** Reports Codex's own commands and file changes as tool calls; `busy` counts running commands. */
export function toolReports(started: boolean, item: CodexItem, hooks: RuntimeHooks, busy: (delta: 1 | -1) => void): void {
  const name = item.type === 'commandExecution' ? CODEX_COMMAND_TOOL : item.type === 'fileChange' ? CODEX_FILE_CHANGE_TOOL : undefined;
  if (!name) return;
  const input = name === CODEX_COMMAND_TOOL ? { command: item.command ?? '', cwd: item.cwd ?? '' } : { paths: (item.changes ?? []).map((c) => c.path) };
  const call = { id: item.id, name, input };
  if (started) {
    hooks.onToolStart(call);
    busy(1);
    return;
  }
  busy(-1);
  const status: ToolOutcomeStatus = item.status === 'declined' ? 'DENIED' : item.status === 'completed' && (item.exitCode ?? 0) === 0 ? 'SUCCEEDED' : 'FAILED';
  const result =
    status === 'DENIED'
      ? `Declined: Stagent runs Codex in a read-only sandbox and approves nothing outside it.`
      : (item.aggregatedOutput ?? (status === 'SUCCEEDED' ? 'done' : `ended ${item.status ?? 'unknown'}`));
  hooks.onToolFinish(call, result, status);
}
