import { McpTransport, type McpServerInput, type McpServerState, type McpServerView } from '@stagent/engine';
import { builder } from '../builder.js';
import { limited } from '../input-limits.js';
import { DeletePayloadRef, enumValues, payload, UserErrorRef, type Payload } from './common.js';

// Agent tools: MCP servers (contract section "agent tools (MCP) and approvals"; grants, tool
// calls and approvals come with the rest of that section).

const McpTransportEnum = builder.enumType('McpTransport', {
  description: 'How Stagent reaches an MCP server.',
  values: enumValues(McpTransport, {
    STDIO: 'Stagent starts the server as a child process (`command` with `args`) and talks to it over stdin/stdout.',
    STREAMABLE_HTTP: 'Stagent connects to a running server at `url` over MCP Streamable HTTP.',
  }),
});

/** A tool of a server, with its server's name for the qualified name. */
interface McpToolShape {
  server: string;
  name: string;
  description?: string;
  inputSchema: unknown;
}

const McpToolRef = builder.objectRef<McpToolShape>('McpTool').implement({
  description: "A tool from an MCP server's `tools/list`. Its description is the server's text: untrusted, show it as text.",
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The name the server gives the tool.' }),
    qualifiedName: t.string({
      description: 'mcp__<server>__<tool>: the name models, grants and events use.',
      resolve: (tool) => `mcp__${tool.server}__${tool.name}`,
    }),
    description: t.string({
      nullable: true,
      description: "The server's description of the tool (untrusted text).",
      resolve: (tool) => tool.description ?? null,
    }),
    inputSchema: t.field({ type: 'JSON', description: 'JSON Schema of the arguments the tool takes.', resolve: (tool) => tool.inputSchema }),
  }),
});

/** A registered server; its live state is asked once per server per request (it connects on first use). */
const McpServerRef = builder.objectRef<McpServerView>('McpServer').implement({
  description: 'A registered MCP server whose tools agents can be granted. Its env variables or headers are write-only: only their names are returned.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Server id.' }),
    name: t.exposeString('name', { description: 'Unique name, [a-z][a-z0-9_-]{0,31} without "__"; its tools reach models as mcp__<name>__<tool>.' }),
    transport: t.field({ type: McpTransportEnum, description: 'How Stagent reaches it.', resolve: (s) => s.transport }),
    command: t.exposeString('command', { nullable: true, description: 'STDIO: the executable Stagent starts.' }),
    args: t.exposeStringList('args', { description: 'STDIO: its arguments (empty for Streamable HTTP).' }),
    url: t.exposeString('url', { nullable: true, description: 'STREAMABLE_HTTP: the endpoint.' }),
    secretKeys: t.exposeStringList('secretKeys', {
      description: 'Names of the env variables (STDIO) or headers (HTTP) that are set; values are never returned.',
    }),
    enabled: t.exposeBoolean('enabled', { description: 'Whether agents may use it; a disabled server is never started.' }),
    connected: t.boolean({
      description: 'Connected now. Asking connects an enabled server that is not connected yet (its first use), so this is true to the state.',
      resolve: async (s, _args, ctx) => (await state(ctx, s)).connected,
    }),
    lastError: t.string({
      nullable: true,
      description: 'Why it is not connected, or its last failure (exit code and stderr, refused connection); null when all went well.',
      resolve: async (s, _args, ctx) => (await state(ctx, s)).lastError,
    }),
    tools: t.field({
      type: [McpToolRef],
      description: "Its tools from the server's tools/list (the last list while it is disconnected).",
      resolve: async (s, _args, ctx) =>
        (await state(ctx, s)).tools.map((tool) => ({ server: s.name, name: tool.name, description: tool.description, inputSchema: tool.inputSchema })),
    }),
  }),
});

/** One state read per server and request, shared by its `connected`, `lastError` and `tools`. */
const states = new WeakMap<object, Map<string, Promise<McpServerState>>>();
function state(ctx: { engine: { mcpServerState(s: McpServerView): Promise<McpServerState> } }, server: McpServerView): Promise<McpServerState> {
  let perRequest = states.get(ctx);
  if (!perRequest) states.set(ctx, (perRequest = new Map()));
  let read = perRequest.get(server.id);
  if (!read) perRequest.set(server.id, (read = ctx.engine.mcpServerState(server)));
  return read;
}

const McpServerInputRef = builder.inputType('McpServerInput', {
  description: 'An MCP server to register or replace. Every bad field is reported at once, and nothing is stored then.',
  fields: (t) => ({
    name: t.string(limited('key', { required: true, description: 'Unique name, [a-z][a-z0-9_-]{0,31} without "__".' })),
    transport: t.field({ type: McpTransportEnum, required: true, description: 'How Stagent reaches the server.' }),
    command: t.string(limited('description', { description: 'STDIO: an executable on PATH or an absolute path to one.' })),
    args: t.stringList(limited('description', { description: 'STDIO: arguments, in order (absolute paths may be long).' })),
    env: t.field(
      limited('json', {
        type: 'JSON',
        description:
          'STDIO: the environment { NAME: "value" } added to PATH and HOME. Write-only, encrypted at rest; omitted on an update keeps the stored values, {} clears them.',
      }),
    ),
    url: t.string(limited('description', { description: 'STREAMABLE_HTTP: the http:// or https:// endpoint.' })),
    headers: t.field(
      limited('json', {
        type: 'JSON',
        description: 'STREAMABLE_HTTP: headers { Name: "value" } sent with every request. Write-only, encrypted at rest; omitted on an update keeps them.',
      }),
    ),
    enabled: t.boolean({ description: 'Whether agents may use it; default true.' }),
  }),
});

const McpServerPayloadRef = builder.objectRef<Payload<{ mcpServer: McpServerView }>>('McpServerPayload').implement({
  description: 'Result of an MCP server mutation.',
  fields: (t) => ({
    mcpServer: t.field({
      type: McpServerRef,
      nullable: true,
      description: 'The server; null when `errors` is not empty.',
      resolve: (p) => p.mcpServer ?? null,
    }),
    errors: t.field({ type: [UserErrorRef], description: 'Expected failures; empty on success.', resolve: (p) => p.errors }),
  }),
});

/** The engine's input from the GraphQL input (JSON objects pass through for the engine to check). */
function engineInput(input: {
  name: string;
  transport: McpTransport;
  command?: string | null;
  args?: string[] | null;
  env?: unknown;
  url?: string | null;
  headers?: unknown;
  enabled?: boolean | null;
}): McpServerInput {
  return { ...input, env: input.env as McpServerInput['env'], headers: input.headers as McpServerInput['headers'] };
}

builder.queryFields((t) => ({
  mcpServers: t.field({
    type: [McpServerRef],
    description: 'Every registered MCP server, by name.',
    resolve: (_root, _args, ctx) => ctx.engine.listMcpServers(),
  }),
}));

builder.mutationFields((t) => ({
  createMcpServer: t.field({
    type: McpServerPayloadRef,
    description:
      'Registers an MCP server (nothing starts until first use). Errors: INVALID_VALUE, WRONG_TYPE, NOT_APPLICABLE and NOT_FOUND (a command not found) per field; CONFLICT on name.',
    args: { input: t.arg({ type: McpServerInputRef, required: true, description: 'The server.' }) },
    resolve: (_root, args, ctx) => payload(async () => ({ mcpServer: await ctx.engine.createMcpServer(engineInput(args.input)) })),
  }),
  updateMcpServer: t.field({
    type: McpServerPayloadRef,
    description: "Replaces a server's configuration; a running server restarts with it on its next use. Errors: as createMcpServer, and NOT_FOUND on id.",
    args: {
      id: t.arg.id({ required: true, description: 'Server id.' }),
      input: t.arg({ type: McpServerInputRef, required: true, description: 'The new configuration.' }),
    },
    resolve: (_root, args, ctx) => payload(async () => ({ mcpServer: await ctx.engine.updateMcpServer(String(args.id), engineInput(args.input)) })),
  }),
  deleteMcpServer: t.field({
    type: DeletePayloadRef,
    description: 'Removes a server and stops it if it runs. Errors: NOT_FOUND.',
    args: { id: t.arg.id({ required: true, description: 'Server id.' }) },
    resolve: (_root, args, ctx) => payload(async () => ({ deletedId: await ctx.engine.deleteMcpServer(String(args.id)) })),
  }),
}));
