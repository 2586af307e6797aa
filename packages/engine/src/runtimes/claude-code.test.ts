import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { filesystemServer } from '../../test/fixtures/mcp/fixture-configs.js';
import { SystemClock } from '../clock.js';
import { ProviderEmulator, recordingHooks, scripted, type RecordedRequest } from '../testing/provider-emulator/index.js';
import { McpConnections, qualifiedToolName } from '../tools/mcp/index.js';
import { createAgentTools } from './agent-tools.js';
import { ClaudeCodeRuntime } from './claude-code.js';
import { MODEL_CATALOG } from './model-catalog.js';
import type { AgentTool, RuntimeHooks, RuntimeRequest } from './runtime.js';
import { ToolRunFailure } from './tool-turn.js';

/**
 * claude-code through the real Claude Agent SDK and its CLI against the provider emulator.
 * The SDK is optional (~384 MB), so these run only where STAGENT_CLAUDE_AGENT_SDK points at its
 * entry file, e.g. `STAGENT_CLAUDE_AGENT_SDK=/tmp/ccsdk/node_modules/@anthropic-ai/claude-agent-sdk/sdk.mjs`.
 * Each run starts the CLI (about 1.5 s), hence the longer timeouts.
 */
const SDK_ENTRY = process.env.STAGENT_CLAUDE_AGENT_SDK;
const MODEL = MODEL_CATALOG['claude-code'].default;
const DOCS = [{ id: 'doc-1', name: 'q3-report.md', content: 'Q3 revenue grew 12% to 4.2M.' }];

// Under CI (.ci/run installs the SDK) a missing SDK fails, so that a skipped test in CI's counts means something.
if (!SDK_ENTRY && process.env.CI === 'true')
  describe('claude-code under CI', () => {
    it('has the Claude Agent SDK (.ci/run installs it and sets STAGENT_CLAUDE_AGENT_SDK)', () => {
      expect.fail('STAGENT_CLAUDE_AGENT_SDK is not set: .ci/run must install @anthropic-ai/claude-agent-sdk and export it.');
    });
  });
else if (!SDK_ENTRY) console.info('claude-code: the real Agent SDK tests are skipped (set STAGENT_CLAUDE_AGENT_SDK to an installed SDK entry file; CI does).');

describe.skipIf(!SDK_ENTRY)('claude-code through the Claude Agent SDK and the provider emulator', { timeout: 60_000 }, () => {
  const emulator = new ProviderEmulator();
  beforeAll(async () => {
    await emulator.start();
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  const runtime = () =>
    new ClaudeCodeRuntime({
      clock: new SystemClock(),
      getSetting: async (k) => (k === 'anthropic.apiKey' ? 'sk-ant-test' : undefined),
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ANTHROPIC_BASE_URL: emulator.url },
      retry: { maxAttempts: 2 },
      importModule: () => import(SDK_ENTRY!),
    });
  const request = (over: Partial<RuntimeRequest> = {}): RuntimeRequest => ({
    taskId: 'task-1',
    model: MODEL,
    systemPrompt: 'You are a careful analyst.',
    prompt: 'Summarise the quarter.',
    tools: createAgentTools({ documents: DOCS, finish: true }),
    maxTurns: 5,
    maxOutputTokens: 1024,
    signal: new AbortController().signal,
    ...over,
  });

  it('is available and answers a single turn with per-call usage', async () => {
    expect((await runtime().describe()).available).toBe(true);
    emulator.script('anthropic', scripted.text('Revenue grew 12%.', { inputTokens: 1200, outputTokens: 8, cacheReadTokens: 300, cacheWriteTokens: 400 }));
    const hooks = recordingHooks();
    const result = await runtime().run(request(), hooks);
    expect(result).toEqual({ status: 'COMPLETED', output: 'Revenue grew 12%.', turns: 1 });
    expect(hooks.usages).toEqual([{ model: MODEL, inputTokens: 1200, outputTokens: 8, cacheReadTokens: 300, cacheWriteTokens: 400 }]);
    expect(emulator.requestsFor('anthropic')).toHaveLength(1);
  });

  it('runs Stagent tools over MCP and sends the model turn and tool results back', async () => {
    const calls = [
      { id: 'toolu_search', name: 'mcp__stagent__search_documents', input: { query: 'revenue' } },
      { id: 'toolu_read', name: 'mcp__stagent__read_document', input: { id: 'doc-1' } },
    ];
    emulator.script(
      'anthropic',
      scripted.toolCalls(calls, { inputTokens: 500, outputTokens: 40 }, 'Checking.'),
      scripted.text('Q3 revenue grew 12%.', { inputTokens: 900, outputTokens: 12 }),
    );
    const hooks = recordingHooks();
    const result = await runtime().run(request(), hooks);
    expect(result).toMatchObject({ status: 'COMPLETED', turns: 2, output: 'Checking.\nQ3 revenue grew 12%.' });
    expect(hooks.tools.map((t) => [t.name, t.isError])).toEqual([
      ['search_documents', false],
      ['read_document', false],
    ]);
    const second = emulator.requestsFor('anthropic')[1]!.body.messages as { role: string; content: { type: string; id?: string; tool_use_id?: string }[] }[];
    const assistant = second.find((m) => m.role === 'assistant')!;
    expect(assistant.content.filter((b) => b.type === 'tool_use').map((b) => b.id)).toEqual(['toolu_search', 'toolu_read']);
    const results = second.flatMap((m) => (m.role === 'user' && Array.isArray(m.content) ? m.content.filter((b) => b.type === 'tool_result') : []));
    expect(results.map((b) => b.tool_use_id)).toEqual(['toolu_search', 'toolu_read']);
  });

  it('stops on turn 3 with BUDGET_EXCEEDED when the usage verdict says so', async () => {
    const search = (n: number) =>
      scripted.toolCalls([{ name: 'mcp__stagent__search_documents', input: { query: `q${n}` } }], { inputTokens: 100, outputTokens: 10 }, `Step ${n}.`);
    emulator.script('anthropic', search(1), search(2), search(3), scripted.text('never'));
    const cap = { category: 'BUDGET_EXCEEDED' as const, message: 'Cost cap reached.', retryable: false };
    const result = await runtime().run(request(), recordingHooks({ verdict: (_u, n) => (n === 3 ? { stop: true, failure: cap } : { stop: false }) }));
    expect(result).toEqual({ status: 'FAILED', output: 'Step 1.\nStep 2.\nStep 3.', turns: 3, failure: cap });
    // The third call's tool never ran and the CLI was killed before a fourth call.
    expect(emulator.requestsFor('anthropic')).toHaveLength(3);
  });

  it("reports the CLI's retry of a 429 through onRetry, then succeeds", async () => {
    emulator.script('anthropic', scripted.rateLimited({ ms: 10 }), scripted.text('ok'));
    const hooks = recordingHooks();
    const result = await runtime().run(request(), hooks);
    expect(result.status).toBe('COMPLETED');
    expect(hooks.retries).toHaveLength(1);
    expect(hooks.retries[0]).toMatchObject({ attempt: 2, failure: { category: 'RATE_LIMITED', httpStatus: 429 } });
  });

  it('ends AUTH on 401 (the CLI replaces the provider message with its own)', async () => {
    emulator.always('anthropic', scripted.unauthorized('invalid x-api-key'));
    const result = await runtime().run(request(), recordingHooks());
    expect(result.failure).toMatchObject({ category: 'AUTH', httpStatus: 401 });
    expect(result.failure!.message).toMatch(/API key/i);
  });

  it('ends CANCELLED when cancelled mid-stream, and TIMEOUT when the stream stalls', async () => {
    emulator.script('anthropic', scripted.stall('Partial answer'));
    const controller = new AbortController();
    const cancelled = await runtime().run(request({ signal: controller.signal }), recordingHooks({ onDelta: () => controller.abort('cancelled') }));
    expect(cancelled).toMatchObject({ status: 'CANCELLED', output: 'Partial answer', failure: { category: 'CANCELLED' } });

    emulator.reset();
    emulator.script('anthropic', scripted.stall('Thinking'));
    const stalled = await runtime().run(request({ streamIdleTimeoutMs: 500 }), recordingHooks());
    expect(stalled).toMatchObject({ status: 'FAILED', failure: { category: 'TIMEOUT' } });
  });

  describe('granted MCP tools, served under their own server names', () => {
    const NOTES = 'Quarterly numbers: 42 widgets, 7 gadgets.\n';
    const READ = 'mcp__files__read_text_file';
    let root: string;
    let connections: McpConnections;
    beforeAll(() => {
      root = mkdtempSync(join(tmpdir(), 'stagent-cc-files-'));
      writeFileSync(join(root, 'notes.txt'), NOTES);
      connections = new McpConnections([filesystemServer(root)]);
    });
    afterAll(async () => {
      await connections.close();
      rmSync(root, { recursive: true, force: true });
    });

    /** A tool of the real filesystem server as an AgentTool, built as step-tools.ts builds granted tools; `runs` counts its calls. */
    async function grantedTool(name: string, approval: 'AUTO' | 'ASK' | 'DENY'): Promise<AgentTool & { runs: number }> {
      const server = await connections.connect('srv_files');
      const tool = server.tools.find((t) => t.name === name)!;
      const granted = {
        name: qualifiedToolName('files', tool.name),
        description: tool.description ?? tool.name,
        inputSchema: tool.inputSchema as Record<string, unknown>,
        approval,
        runs: 0,
        async run(input: Record<string, unknown>, signal: AbortSignal) {
          granted.runs += 1;
          const result = await connections.callTool('srv_files', tool.name, input, { signal, timeoutMs: 10_000, maxResultChars: 20_000 });
          if (result.status === 'SUCCEEDED') return result.output;
          throw new ToolRunFailure(result.status, result.error ?? 'the tool call failed.');
        },
      };
      return granted;
    }

    /** Hooks that also keep each finished call's id, name and status. */
    function statusHooks(): RuntimeHooks & { finished: [string, string, string][]; started: string[] } {
      const base = recordingHooks();
      const finished: [string, string, string][] = [];
      const started: string[] = [];
      return {
        ...base,
        finished,
        started,
        onToolStart: (call) => (started.push(call.id), base.onToolStart(call)),
        onToolFinish: (call, result, status) => (finished.push([call.id, call.name, status]), base.onToolFinish(call, result, status)),
      };
    }

    /** The tool_result blocks of a request, with their content as one string. */
    function toolResults(req: RecordedRequest): { id: string; text: string; isError: boolean }[] {
      const messages = req.body.messages as { role: string; content: unknown }[];
      return messages.flatMap((m) =>
        m.role === 'user' && Array.isArray(m.content)
          ? (m.content as { type: string; tool_use_id: string; content: unknown; is_error?: boolean }[])
              .filter((b) => b.type === 'tool_result')
              .map((b) => ({
                id: b.tool_use_id,
                isError: b.is_error === true,
                text: typeof b.content === 'string' ? b.content : (b.content as { text?: string }[]).map((c) => c.text ?? '').join(''),
              }))
          : [],
      );
    }

    it('offers mcp__files__read_text_file by that name, runs it on the real server and sends the file back', async () => {
      const read = await grantedTool('read_text_file', 'AUTO');
      const edit = await grantedTool('edit_file', 'AUTO');
      emulator.script(
        'anthropic',
        scripted.toolCalls([{ id: 'toolu_files', name: READ, input: { path: join(root, 'notes.txt') } }], { inputTokens: 300, outputTokens: 20 }),
        scripted.text('42 widgets.', { inputTokens: 400, outputTokens: 5 }),
      );
      const hooks = statusHooks();
      const result = await runtime().run(request({ tools: [...createAgentTools({ documents: DOCS, finish: true }), read, edit] }), hooks);
      expect(result).toMatchObject({ status: 'COMPLETED', output: '42 widgets.', turns: 2 });
      const [first, second] = emulator.requestsFor('anthropic');
      const tools = first!.body.tools as { name: string; input_schema: { properties: unknown } }[];
      const offered = tools.map((t) => t.name);
      expect(offered).toContain(READ);
      // The server's own schema reaches the model, nested array items included.
      expect(tools.find((t) => t.name === 'mcp__files__edit_file')!.input_schema.properties).toEqual(edit.inputSchema.properties);
      expect(offered).toContain('mcp__stagent__read_document');
      expect(offered.filter((n) => n.includes('read_text_file'))).toEqual([READ]);
      expect(toolResults(second!)).toEqual([{ id: 'toolu_files', text: NOTES, isError: false }]);
      expect(hooks.started).toEqual(['toolu_files']);
      expect(hooks.finished).toEqual([['toolu_files', READ, 'SUCCEEDED']]);
    });

    it.each([
      ['DENY', /refused by this step's tool grants/],
      ['ASK', /needs a person's approval.*cannot pause/],
    ] as const)('refuses %s calls without running them and tells the model why', async (approval, refusal) => {
      const read = await grantedTool('read_text_file', approval);
      emulator.script(
        'anthropic',
        scripted.toolCalls([{ id: 'toolu_refused', name: READ, input: { path: join(root, 'notes.txt') } }], { inputTokens: 300, outputTokens: 20 }),
        scripted.text('I could not read it.', { inputTokens: 400, outputTokens: 6 }),
      );
      const hooks = statusHooks();
      const result = await runtime().run(request({ tools: [...createAgentTools({ documents: DOCS, finish: true }), read] }), hooks);
      expect(result).toMatchObject({ status: 'COMPLETED', output: 'I could not read it.', turns: 2 });
      expect((emulator.requestsFor('anthropic')[0]!.body.tools as { name: string }[]).map((t) => t.name)).toContain(READ);
      const [refused] = toolResults(emulator.requestsFor('anthropic')[1]!);
      expect(refused).toMatchObject({ id: 'toolu_refused', isError: true });
      expect(refused!.text).toMatch(refusal);
      expect(refused!.text).not.toContain('widgets');
      expect(read.runs).toBe(0);
      expect(hooks.started).toEqual([]);
      expect(hooks.finished).toEqual([['toolu_refused', READ, 'DENIED']]);
    });
  });
});
