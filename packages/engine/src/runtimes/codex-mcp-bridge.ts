import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { servedTools } from './claude-code-tools.js';
import type { AgentTool, RuntimeHooks, ToolCallRequest, ToolOutcomeStatus } from './runtime.js';
import { ToolRunFailure } from './tool-turn.js';

/**
 * The tools of an `openai-codex-app-server` task, served to the Codex CLI over MCP. Codex reads
 * MCP servers from its configuration only, so each of the task's servers becomes one
 * streamable-HTTP MCP endpoint on loopback (`/mcp/<server>`), named in `-c mcp_servers.<server>=...`
 * overrides and guarded by a per-task bearer token that Codex reads from an environment variable.
 * Names follow the direct runtimes: Stagent's built-ins on `stagent`, a granted
 * `mcp__files__read_text_file` on `files`, so the model sees `mcp__files__read_text_file`.
 * Every call goes through our `AgentTool.run` (the engine's timeouts, result cut, abort and ToolCall
 * reports). Approvals are decided before a call gets here, on Codex's approval request
 * (`codex-approvals.ts`); the bridge refuses DENY and ASK calls as well, should one arrive.
 */

/** The environment variable that carries the bridge's bearer token to Codex. */
export const CODEX_MCP_TOKEN_ENV = 'STAGENT_CODEX_MCP_TOKEN';

/**
 * How tool calls coordinate with the session. There is no wait for the verdict on the model call
 * that asked for a tool: Codex runs a call's tools before it reports that call's usage.
 */
export interface CodexToolControl {
  /** A tool starts (+1) or ends (-1) running: time spent in tools is not a stalled stream. */
  busy(delta: 1 | -1): void;
  /** The id Codex gave this call (its `mcpToolCall` item), or a fresh one. */
  callId(server: string, tool: string): string;
  /** A tool that ends the task ran. */
  onEnd(): void;
  /** Aborted when the session stops. */
  signal: AbortSignal;
}

/** What the model reads instead of a result when a call is refused. */
export function codexRefusalText(modelName: string, approval: 'ASK' | 'DENY'): string {
  return approval === 'DENY'
    ? `The call to ${modelName} was refused by this step's tool grants; it did not run. Go on without it.`
    : `The call to ${modelName} needs a person's approval, and this step's runtime (openai-codex-app-server) cannot pause to wait for one; it did not run. Go on without it.`;
}

/** A running bridge: its Codex config overrides, the env Codex needs, and `close()`. */
export interface CodexMcpBridge {
  /** `-c` arguments naming each server. */
  configArgs: string[];
  /** Environment for the Codex process (the bearer token). */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Starts the bridge for a task's tools, or returns undefined when it has none. */
export async function startCodexMcpBridge(tools: readonly AgentTool[], hooks: RuntimeHooks, control: CodexToolControl): Promise<CodexMcpBridge | undefined> {
  if (tools.length === 0) return undefined;
  const byServer = new Map<string, ReturnType<typeof servedTools>>();
  for (const s of servedTools(tools)) byServer.set(s.server, [...(byServer.get(s.server) ?? []), s]);
  const token = randomBytes(24).toString('hex');
  const http: HttpServer = createServer((req, res) => {
    const list = authorized(req, token) ? byServer.get(serverOf(req)) : undefined;
    if (!list) return void res.writeHead(req.headers.authorization ? 404 : 401).end();
    void serve(req, res, list, hooks, control).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const configArgs = [...byServer.keys()].flatMap((server) => [
    '-c',
    // The engine times tools out itself; Codex's own limit (60 s by default) must not cut in first.
    `mcp_servers.${server}={ url = "http://127.0.0.1:${port}/mcp/${server}", bearer_token_env_var = "${CODEX_MCP_TOKEN_ENV}", startup_timeout_sec = 30, tool_timeout_sec = 3600 }`,
  ]);
  return {
    configArgs,
    env: { [CODEX_MCP_TOKEN_ENV]: token },
    close: async () => {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function authorized(req: IncomingMessage, token: string): boolean {
  return req.headers.authorization === `Bearer ${token}`;
}

function serverOf(req: IncomingMessage): string {
  return /^\/mcp\/([^/?]+)/.exec(req.url ?? '')?.[1] ?? '';
}

/** One HTTP request: a stateless MCP server answers it (Codex's client needs no session). */
async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  list: ReturnType<typeof servedTools>,
  hooks: RuntimeHooks,
  control: CodexToolControl,
): Promise<void> {
  const server = new Server({ name: list[0]!.server, version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: list.map((s) => ({ name: s.toolName, description: s.tool.description, inputSchema: { type: 'object', ...s.tool.inputSchema } })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const s = list.find((t) => t.toolName === request.params.name);
    const args = request.params.arguments ?? {};
    if (!s) return { content: [{ type: 'text', text: `Unknown tool "${request.params.name}"; it did not run.` }], isError: true };
    const text = await callTool(s.tool, s.modelName, { id: control.callId(s.server, s.toolName), name: s.tool.name, input: args }, hooks, control);
    return { content: [{ type: 'text', text: text.text }], isError: text.status !== 'SUCCEEDED' };
  });
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  res.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res);
}

/** Runs (or refuses) one call; a stopped task never answers. */
async function callTool(
  tool: AgentTool,
  modelName: string,
  call: ToolCallRequest,
  hooks: RuntimeHooks,
  control: CodexToolControl,
): Promise<{ text: string; status: ToolOutcomeStatus }> {
  const { signal } = control;
  if (signal.aborted) return new Promise<never>(() => {});
  const approval = tool.approval ?? 'AUTO';
  if (approval !== 'AUTO') {
    const text = codexRefusalText(modelName, approval);
    hooks.onToolFinish(call, text, 'DENIED');
    return { text, status: 'DENIED' };
  }
  hooks.onToolStart(call);
  control.busy(1);
  let text: string;
  let status: ToolOutcomeStatus = 'SUCCEEDED';
  try {
    text = await tool.run(call.input, signal);
    if (tool.endsTask) control.onEnd();
  } catch (err) {
    status = signal.aborted ? 'CANCELLED' : err instanceof ToolRunFailure ? err.status : 'FAILED';
    text = `Tool ${tool.name} failed: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    control.busy(-1);
  }
  hooks.onToolFinish(call, text, status);
  // A stopped task never answers: Codex must not get a result to send on before it is killed.
  if (signal.aborted) return new Promise<never>(() => {});
  return { text, status };
}
