/**
 * Acceptance of agent tools through GraphQL: real provider SDKs (anthropic-direct, openai-direct)
 * against the loopback provider emulator, real MCP servers (the registry's filesystem server and
 * our fault server). The model asks for `mcp__files__read_text_file`; its next request must carry
 * the file's real content as the tool result (AUTO), wait for resolveToolCall (ASK), or carry a
 * refusal with the file unread (DENY); cancelling during a hanging call ends the run at once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestEngine, scripted, startProviderEmulator, type ProviderEmulator } from '@stagent/engine/testing';
import { createTestApp, type TestApp } from './harness.js';

const FILE_TEXT = 'Quarterly revenue: 4.2 million, up 12 percent.';
const root = mkdtempSync(join(tmpdir(), 'stagent-api-tools-'));
const notes = join(root, 'notes.txt');
writeFileSync(notes, FILE_TEXT);

const engineRequire = createRequire(join(import.meta.dirname, '../../../packages/engine/package.json'));
const filesEntry = join(dirname(engineRequire.resolve('@modelcontextprotocol/server-filesystem/package.json')), 'dist/index.js');
const faultServer = join(import.meta.dirname, '../../../packages/engine/test/fixtures/mcp/fault-server.ts');
const tsxLoader = pathToFileURL(engineRequire.resolve('tsx')).href;

let emu: ProviderEmulator;
let t: TestApp | null = null;
beforeAll(async () => {
  emu = await startProviderEmulator();
});
afterAll(async () => {
  await emu.close();
  rmSync(root, { recursive: true, force: true });
});
afterEach(async () => {
  await t?.dispose();
  t = null;
  emu.reset();
});

const providerEnv = () => ({ ANTHROPIC_BASE_URL: emu.url, OPENAI_BASE_URL: emu.openaiBaseUrl, ANTHROPIC_API_KEY: 'sk-ant-test', OPENAI_API_KEY: 'sk-test' });
const ERR = 'errors { field code message }';
const CALL = 'id toolName input status approval turn output error comment startedAt finishedAt';

async function appWithServers(): Promise<TestApp> {
  const app = await createTestApp({ engine: { env: providerEnv(), retry: { baseDelayMs: 1, maxDelayMs: 5 } } });
  for (const input of [
    { name: 'files', transport: 'STDIO', command: process.execPath, args: [filesEntry, root] },
    { name: 'faults', transport: 'STDIO', command: process.execPath, args: ['--import', tsxLoader, faultServer, 'normal'] },
  ]) {
    const created = (await app.gql(`mutation ($input: McpServerInput!) { createMcpServer(input: $input) { mcpServer { id } ${ERR} } }`, { input })).data;
    expect(created.createMcpServer.errors).toEqual([]);
  }
  return app;
}

async function createWorkflow(app: TestApp, runtimeId: string, tools: { tool: string; approval: string }[]): Promise<string> {
  const input = { name: `Read on ${runtimeId}`, pattern: 'SEQUENCE', runtimeId, tools, steps: [{ id: 'read', name: 'Read', prompt: 'Summarise notes.txt.' }] };
  const body = await app.gql(
    `mutation ($input: WorkflowDefinitionInput!) { createWorkflow(input: $input) { workflow { id tools { tool approval } } ${ERR} } }`,
    { input },
  );
  expect(body.data.createWorkflow.errors).toEqual([]);
  expect(body.data.createWorkflow.workflow.tools).toEqual(tools);
  return body.data.createWorkflow.workflow.id;
}

async function execute(app: TestApp, workflowId: string): Promise<string> {
  const body = await app.gql(`mutation ($id: ID!) { executeWorkflow(id: $id) { run { id } ${ERR} } }`, { id: workflowId });
  expect(body.data.executeWorkflow.errors).toEqual([]);
  return body.data.executeWorkflow.run.id;
}

async function toolCalls(app: TestApp, args: string): Promise<any[]> {
  return (await app.gql(`{ toolCalls(${args}) { ${CALL} } }`)).data.toolCalls;
}

const readCall = { id: 'toolu_read_1', name: 'mcp__files__read_text_file', input: { path: notes } };
const usage = { inputTokens: 400, outputTokens: 40 };

/** The text of every tool result block the Anthropic request sends back. */
function anthropicToolResults(body: any): string {
  return JSON.stringify(body.messages.flatMap((m: any) => (Array.isArray(m.content) ? m.content.filter((c: any) => c.type === 'tool_result') : [])));
}

describe('tool calls through GraphQL on the real SDKs', () => {
  it('anthropic-direct, AUTO: the next request carries the real file content as the tool result', async () => {
    t = await appWithServers();
    emu.script('anthropic', scripted.toolCalls([readCall], usage, 'Let me read it.'), scripted.text('Revenue grew 12 percent.', usage));
    const wf = await createWorkflow(t, 'anthropic-direct', [{ tool: 'mcp__files__read_text_file', approval: 'AUTO' }]);
    const run = await t.engine.waitForRun(await execute(t, wf));
    expect(run.status).toBe('COMPLETED');
    const requests = emu.requestsFor('anthropic');
    expect(requests).toHaveLength(2);
    expect((requests[0]!.body as any).tools.map((tool: any) => tool.name)).toContain('mcp__files__read_text_file');
    expect(anthropicToolResults(requests[1]!.body)).toContain(FILE_TEXT);
    expect(anthropicToolResults(requests[1]!.body)).toContain('toolu_read_1');
    const [call] = await toolCalls(t, `runId: "${run.id}"`);
    expect(call).toMatchObject({ toolName: 'mcp__files__read_text_file', status: 'SUCCEEDED', approval: 'AUTO', turn: 1, input: { path: notes } });
    expect(call.output).toContain(FILE_TEXT);
  });

  it('openai-direct, AUTO: the same call, its result sent back as a tool message', async () => {
    t = await appWithServers();
    emu.script('openai', scripted.toolCalls([{ ...readCall, id: 'call_read_1' }], usage), scripted.text('Revenue grew 12 percent.', usage));
    const wf = await createWorkflow(t, 'openai-direct', [{ tool: 'mcp__files__*', approval: 'AUTO' }]);
    const run = await t.engine.waitForRun(await execute(t, wf));
    expect(run.status).toBe('COMPLETED');
    const requests = emu.requestsFor('openai');
    expect(requests).toHaveLength(2);
    const toolMessage = (requests[1]!.body as any).messages.find((m: any) => m.role === 'tool');
    expect(toolMessage).toMatchObject({ tool_call_id: 'call_read_1' });
    expect(toolMessage.content).toContain(FILE_TEXT);
  });

  it('ASK: the run waits until resolveToolCall, then the call runs and the model gets the file; one model call per turn', async () => {
    t = await appWithServers();
    emu.script('anthropic', scripted.toolCalls([readCall], usage, 'Let me read it.'), scripted.text('Revenue grew 12 percent.', usage));
    const wf = await createWorkflow(t, 'anthropic-direct', [{ tool: 'mcp__files__read_text_file', approval: 'ASK' }]);
    const runId = await execute(t, wf);
    const parked = await t.engine.waitForRun(runId);
    expect(parked.status).toBe('WAITING_APPROVAL');
    expect(parked.steps[0]!.status).toBe('WAITING_APPROVAL');
    expect(emu.requestsFor('anthropic')).toHaveLength(1);
    const [waiting] = await toolCalls(t, 'status: WAITING_APPROVAL');
    expect(waiting).toMatchObject({ toolName: 'mcp__files__read_text_file', status: 'WAITING_APPROVAL', approval: 'ASK', output: null, startedAt: null });

    const resolved = await t.gql(`mutation ($id: ID!) { resolveToolCall(id: $id, approved: true, comment: "ok") { toolCall { ${CALL} } ${ERR} } }`, {
      id: waiting.id,
    });
    expect(resolved.data.resolveToolCall).toMatchObject({ errors: [], toolCall: { status: 'RUNNING', comment: 'ok' } });
    const done = await t.engine.waitForRun(runId);
    expect(done.status).toBe('COMPLETED');
    const requests = emu.requestsFor('anthropic');
    expect(requests).toHaveLength(2);
    expect(anthropicToolResults(requests[1]!.body)).toContain(FILE_TEXT);
    // The resumed request holds turn 1 as it was: the prompt, then the model's own tool_use turn
    // (deep-equal: PostgreSQL's jsonb keeps a journal's values, not its key order).
    const [first, second] = requests.map((r) => (r.body as any).messages);
    expect(second.slice(0, 1)).toEqual(first);
    expect(second[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'text', text: 'Let me read it.' },
        { type: 'tool_use', id: 'toolu_read_1', name: 'mcp__files__read_text_file', input: { path: notes } },
      ],
    });
    expect(JSON.stringify((requests[1]!.body as any).messages[1])).toContain('toolu_read_1');
    const again = await t.gql(`mutation ($id: ID!) { resolveToolCall(id: $id, approved: false) { toolCall { id } ${ERR} } }`, { id: waiting.id });
    expect(again.data.resolveToolCall).toMatchObject({ toolCall: null, errors: [{ field: ['id'], code: 'NOT_APPLICABLE' }] });
  });

  it('DENY: the file is not read and the model is told so', async () => {
    t = await appWithServers();
    emu.script('anthropic', scripted.toolCalls([readCall], usage), scripted.text('I could not read it.', usage));
    const wf = await createWorkflow(t, 'anthropic-direct', [{ tool: 'mcp__files__read_text_file', approval: 'DENY' }]);
    const run = await t.engine.waitForRun(await execute(t, wf));
    expect(run.status).toBe('COMPLETED');
    const results = anthropicToolResults(emu.requestsFor('anthropic')[1]!.body);
    expect(results).not.toContain(FILE_TEXT);
    expect(results).toContain('refused');
    expect(results).toContain('"is_error":true');
    const [call] = await toolCalls(t, `runId: "${run.id}"`);
    expect(call).toMatchObject({ status: 'DENIED', output: null, startedAt: null });
  });

  it('cancelling during a hanging tool call ends the run CANCELLED within 2 s, the call CANCELLED', async () => {
    t = await appWithServers();
    emu.script('anthropic', scripted.toolCalls([{ id: 'toolu_hang', name: 'mcp__faults__hang', input: {} }], usage));
    const wf = await createWorkflow(t, 'anthropic-direct', [{ tool: 'mcp__faults__hang', approval: 'AUTO' }]);
    const runId = await execute(t, wf);
    const until = Date.now() + 15_000;
    while ((await toolCalls(t, `runId: "${runId}"`)).every((c) => c.status !== 'RUNNING')) {
      if (Date.now() > until) throw new Error('the hanging call never started');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const started = performance.now();
    const cancelled = await t.gql(`mutation ($id: ID!) { cancelWorkflow(id: $id) { workflow { status } ${ERR} } }`, { id: wf });
    expect(cancelled.data.cancelWorkflow.errors).toEqual([]);
    const run = await t.engine.waitForRun(runId);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(run.status).toBe('CANCELLED');
    const [call] = await toolCalls(t, `runId: "${runId}"`);
    expect(call).toMatchObject({ toolName: 'mcp__faults__hang', status: 'CANCELLED' });
  });

  it('a restart while a call waits: it still waits, and approving it finishes the run with one model call per turn in total', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stagent-api-tools-restart-'));
    const open = () => createTestEngine({ dataDir, env: providerEnv(), retry: { baseDelayMs: 1, maxDelayMs: 5 } });
    try {
      emu.script('anthropic', scripted.toolCalls([readCall], usage, 'Let me read it.'), scripted.text('Revenue grew 12 percent.', usage));
      let engine = await open();
      await engine.engine.createMcpServer({ name: 'files', transport: 'STDIO', command: process.execPath, args: [filesEntry, root] });
      const wf = await engine.engine.createWorkflow({
        name: 'restart',
        pattern: 'SEQUENCE',
        runtimeId: 'anthropic-direct',
        tools: [{ tool: 'mcp__files__read_text_file', approval: 'ASK' }],
        steps: [{ id: 'read', name: 'Read', prompt: 'Summarise notes.txt.' }],
      });
      const runId = (await engine.engine.executeWorkflow(wf.id)).run.id;
      expect((await engine.engine.waitForRun(runId)).status).toBe('WAITING_APPROVAL');
      await engine.close();

      engine = await open();
      try {
        expect((await engine.engine.getRun(runId))?.status).toBe('WAITING_APPROVAL');
        const [waiting] = await engine.engine.listToolCalls({ status: 'WAITING_APPROVAL' });
        await engine.engine.resolveToolCall(waiting!.id, true);
        const done = await engine.engine.waitForRun(runId);
        expect(done.status).toBe('COMPLETED');
        expect(emu.requestsFor('anthropic')).toHaveLength(2);
        expect(anthropicToolResults(emu.requestsFor('anthropic')[1]!.body)).toContain(FILE_TEXT);
        expect(done.steps[0]).toMatchObject({ turns: 2, output: 'Let me read it.\nRevenue grew 12 percent.' });
      } finally {
        await engine.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
