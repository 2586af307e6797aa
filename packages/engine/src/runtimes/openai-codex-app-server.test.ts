import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../clock.js';
import { ProviderEmulator, recordingHooks, scripted, type RecordedRequest, type ScriptedToolCall } from '../testing/provider-emulator/index.js';
import { createAgentTools } from './agent-tools.js';
import { MODEL_CATALOG } from './model-catalog.js';
import { OpenAICodexAppServerRuntime } from './openai-codex-app-server.js';
import type { AgentTool, RuntimeHooks, RuntimeRequest } from './runtime.js';

/**
 * openai-codex-app-server through the real Codex CLI (`codex app-server`) against the provider
 * emulator's Responses API. `@openai/codex` is optional (~400 MB), so these run only where
 * STAGENT_CODEX_BIN (the `codex` executable) or STAGENT_CODEX_PACKAGE (the package folder) is set,
 * e.g. after `npm i --prefix /tmp/codex-cli @openai/codex@0.171.0`:
 * `STAGENT_CODEX_PACKAGE=/tmp/codex-cli/node_modules/@openai/codex`. `.ci/run` installs it and
 * sets it, so under CI a missing CLI fails instead of skipping.
 *
 * Codex gives OpenAI's models their tools in "code mode": one `exec` tool runs JavaScript that
 * calls the other tools (`await tools.mcp__stagent__read_document(...)`), so a scripted model
 * calling an MCP tool sends an `exec` call with that script.
 */
const CLI_ENV = { STAGENT_CODEX_BIN: process.env.STAGENT_CODEX_BIN, STAGENT_CODEX_PACKAGE: process.env.STAGENT_CODEX_PACKAGE };
const PRESENT = Boolean(CLI_ENV.STAGENT_CODEX_BIN || CLI_ENV.STAGENT_CODEX_PACKAGE);
const MODEL = MODEL_CATALOG['openai-codex-app-server'].default;
const DOCS = [{ id: 'doc-1', name: 'q3-report.md', content: 'Q3 revenue grew 12% to 4.2M.' }];

/** A model call of Codex's `exec` tool running `script`. */
const exec = (script: string, id?: string): ScriptedToolCall => ({ id, name: 'exec', namespace: 'functions', input: {}, freeform: script });

// Registered only when it fails, so that CI's counts show no skipped test.
if (!PRESENT && process.env.CI === 'true')
  describe('openai-codex-app-server under CI', () => {
    it('has the Codex CLI (.ci/run installs it and sets STAGENT_CODEX_PACKAGE)', () => {
      expect.fail('STAGENT_CODEX_BIN / STAGENT_CODEX_PACKAGE is not set: .ci/run must install @openai/codex and export it.');
    });
  });
else if (!PRESENT)
  console.info('openai-codex-app-server: the real Codex CLI tests are skipped (set STAGENT_CODEX_PACKAGE to an installed @openai/codex; CI does).');

describe.skipIf(!PRESENT)('openai-codex-app-server through the Codex CLI and the provider emulator', { timeout: 60_000 }, () => {
  const emulator = new ProviderEmulator();
  let home: string;
  beforeAll(async () => {
    await emulator.start();
    // A user's own Codex configuration that would break every call if it were read.
    home = mkdtempSync(join(tmpdir(), 'stagent-codex-user-'));
    mkdirSync(join(home, '.codex'));
    writeFileSync(
      join(home, '.codex', 'config.toml'),
      'model_provider = "elsewhere"\n[model_providers.elsewhere]\nname = "x"\nbase_url = "http://127.0.0.1:9/v1"\n',
    );
  });
  afterAll(async () => {
    await emulator.close();
    rmSync(home, { recursive: true, force: true });
  });
  beforeEach(() => emulator.reset());

  const runtime = () =>
    new OpenAICodexAppServerRuntime({
      clock: new SystemClock(),
      getSetting: async (k) => (k === 'openai.apiKey' ? 'sk-test-codex' : undefined),
      env: { PATH: process.env.PATH, HOME: home, OPENAI_BASE_URL: emulator.openaiBaseUrl, ...CLI_ENV },
      retry: { maxAttempts: 2, baseDelayMs: 10, jitter: 0 },
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
  /** The input items of a recorded Responses request. */
  const inputOf = (req: RecordedRequest) => req.body.input as { type: string; role?: string; content?: unknown; output?: unknown }[];

  it('works in the folder a step names, and keeps it; a folder that does not exist fails the task before Codex starts', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'stagent-codex-named-'));
    writeFileSync(join(folder, 'notes.md'), 'kept');
    try {
      emulator.script('openai-responses', scripted.text('Done.', { inputTokens: 100, outputTokens: 2 }));
      const result = await runtime().run(request({ workingDirectory: folder }), recordingHooks());
      expect(result.status).toBe('COMPLETED');
      const [req] = emulator.requestsFor('openai-responses');
      expect(/<cwd>([^<]+)<\/cwd>/.exec(JSON.stringify(inputOf(req!)))?.[1]).toBe(folder);
      expect(readdirSync(folder)).toEqual(['notes.md']);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    emulator.reset();
    const missing = await runtime().run(request({ workingDirectory: join(folder, 'gone') }), recordingHooks());
    expect(missing).toMatchObject({ status: 'FAILED', failure: { category: 'INVALID_REQUEST' } });
    expect(missing.failure!.message).toContain('is not a folder on this machine');
    expect(emulator.requestsFor('openai-responses')).toHaveLength(0);
  });

  it('is available and answers a single turn with per-call usage, in a temporary folder, never reading ~/.codex', async () => {
    expect((await runtime().describe()).available).toBe(true);
    emulator.script('openai-responses', scripted.text('Revenue grew 12%.', { inputTokens: 1200, outputTokens: 8, cacheReadTokens: 300 }));
    const hooks = recordingHooks();
    const started = performance.now();
    const result = await runtime().run(request(), hooks);
    console.info(`codex app-server single turn: ${(performance.now() - started).toFixed(0)} ms`);
    expect(result).toEqual({ status: 'COMPLETED', output: 'Revenue grew 12%.', turns: 1 });
    expect(hooks.turns).toEqual([1]);
    expect(hooks.text()).toBe('Revenue grew 12%.');
    expect(hooks.usages).toEqual([{ model: MODEL, inputTokens: 1200, outputTokens: 8, cacheReadTokens: 300, cacheWriteTokens: 0 }]);
    const [req] = emulator.requestsFor('openai-responses');
    expect(emulator.requestsFor('openai-responses')).toHaveLength(1);
    expect(req!.headers.authorization).toBe('Bearer sk-test-codex');
    expect(req!.body).toMatchObject({ model: MODEL, stream: true, max_output_tokens: 1024 });
    const text = JSON.stringify(inputOf(req!));
    expect(text).toContain('You are a careful analyst.');
    expect(text).toContain('Summarise the quarter.');
    const cwd = /<cwd>([^<]+)<\/cwd>/.exec(text)?.[1];
    expect(cwd).toMatch(/stagent-codex-task-/);
    expect(existsSync(cwd!)).toBe(false);
    expect(readdirSync(join(home, '.codex'))).toEqual(['config.toml']);
  });

  it('runs a Stagent tool over MCP from the model`s exec call and sends the result back', async () => {
    emulator.script(
      'openai-responses',
      scripted.toolCalls(
        [exec('const r = await tools.mcp__stagent__read_document({ id: "doc-1" });\ntext(r.content[0].text);', 'call_read')],
        { inputTokens: 500, outputTokens: 40 },
        'Checking.',
      ),
      scripted.text('Q3 revenue grew 12%.', { inputTokens: 900, outputTokens: 12 }),
    );
    const hooks = recordingHooks();
    const result = await runtime().run(request(), hooks);
    expect(result).toMatchObject({ status: 'COMPLETED', turns: 2, output: 'Checking.\nQ3 revenue grew 12%.' });
    expect(hooks.tools).toEqual([
      { name: 'read_document', input: { id: 'doc-1' }, result: expect.stringContaining('Q3 revenue grew 12% to 4.2M.'), isError: false },
    ]);
    expect(hooks.usages.map((u) => u.inputTokens)).toEqual([500, 900]);
    const second = inputOf(emulator.requestsFor('openai-responses')[1]!);
    const output = second.find((i) => i.type === 'custom_tool_call_output');
    expect(JSON.stringify(output)).toContain('Q3 revenue grew 12% to 4.2M.');
  });

  it('stops on turn 3 with BUDGET_EXCEEDED when the usage verdict says so, before its tool runs or a 4th call goes out', async () => {
    const search = (n: number) =>
      scripted.toolCalls(
        [exec(`const r = await tools.mcp__stagent__search_documents({ query: "q${n}" });\ntext("ok");`)],
        { inputTokens: 100, outputTokens: 10 },
        `Step ${n}.`,
      );
    emulator.script('openai-responses', search(1), search(2), search(3), scripted.text('never'));
    const cap = { category: 'BUDGET_EXCEEDED' as const, message: 'Cost cap reached.', retryable: false };
    const hooks = recordingHooks({ verdict: (_u, n) => (n === 3 ? { stop: true, failure: cap } : { stop: false }) });
    const result = await runtime().run(request(), hooks);
    expect(result).toEqual({ status: 'FAILED', output: 'Step 1.\nStep 2.\nStep 3.', turns: 3, failure: cap });
    expect(hooks.usages).toHaveLength(3);
    // The third call's tool call was held by the proxy until the verdict: it never ran, and no 4th call went out.
    expect(hooks.tools.map((t) => t.name)).toEqual(['search_documents', 'search_documents']);
    expect(emulator.requestsFor('openai-responses')).toHaveLength(3);
  });

  it('refuses the call beyond maxTurns before it reaches the provider: TURN_LIMIT', async () => {
    const search = (n: number) =>
      scripted.toolCalls([exec(`await tools.mcp__stagent__search_documents({ query: "q${n}" });\ntext("ok");`)], undefined, `Step ${n}.`);
    emulator.script('openai-responses', search(1), search(2), search(3));
    const result = await runtime().run(request({ maxTurns: 2 }), recordingHooks());
    expect(result).toMatchObject({ status: 'FAILED', turns: 2, failure: { category: 'TURN_LIMIT' } });
    expect(emulator.requestsFor('openai-responses')).toHaveLength(2);
  });

  it('retries a stream that breaks mid-answer (after bytes reached Codex) on a fresh thread', async () => {
    emulator.script('openai-responses', scripted.streamError('The server had an error processing your request.', 'Half '), scripted.text('Whole answer.'));
    const hooks = recordingHooks();
    const result = await runtime().run(request(), hooks);
    expect(result).toEqual({ status: 'COMPLETED', output: 'Whole answer.', turns: 1 });
    expect(hooks.turns).toEqual([1, 1]);
    expect(hooks.retries).toHaveLength(1);
    expect(hooks.retries[0]!.failure.retryable).toBe(true);
    expect(emulator.requestsFor('openai-responses')).toHaveLength(2);
  });

  it('retries a 429 with our policy and its retry-after (Codex does not), reported through onRetry', async () => {
    emulator.script('openai-responses', scripted.rateLimited({ ms: 10 }), scripted.text('ok'));
    const hooks = recordingHooks();
    const result = await runtime().run(request(), hooks);
    expect(result).toEqual({ status: 'COMPLETED', output: 'ok', turns: 1 });
    expect(hooks.retries).toEqual([
      { attempt: 2, delayMs: 10, failure: expect.objectContaining({ category: 'RATE_LIMITED', httpStatus: 429, retryable: true }) },
    ]);
    expect(emulator.requestsFor('openai-responses')).toHaveLength(2);
  });

  it('ends AUTH on 401 without retrying, with the provider`s words', async () => {
    emulator.always('openai-responses', scripted.unauthorized('Incorrect API key provided'));
    const result = await runtime().run(request(), recordingHooks());
    expect(result).toMatchObject({ status: 'FAILED', failure: { category: 'AUTH', httpStatus: 401, retryable: false } });
    expect(result.failure!.message).toContain('Incorrect API key provided');
    expect(emulator.requestsFor('openai-responses')).toHaveLength(1);
  });

  it('ends CANCELLED when cancelled mid-stream, and TIMEOUT when the stream stalls', async () => {
    emulator.script('openai-responses', scripted.stall('Partial answer'));
    const controller = new AbortController();
    const cancelled = await runtime().run(request({ signal: controller.signal }), recordingHooks({ onDelta: () => controller.abort('cancelled') }));
    expect(cancelled).toMatchObject({ status: 'CANCELLED', output: 'Partial answer', failure: { category: 'CANCELLED' } });

    emulator.reset();
    emulator.script('openai-responses', scripted.stall('Thinking'));
    const started = performance.now();
    const stalled = await runtime().run(request({ streamIdleTimeoutMs: 1500 }), recordingHooks());
    expect(stalled).toMatchObject({ status: 'FAILED', output: 'Thinking', failure: { category: 'TIMEOUT' } });
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('runs the commands the read-only sandbox allows and declines a request to go beyond it, both reported as codex_command', async () => {
    emulator.script(
      'openai-responses',
      scripted.toolCalls([
        exec(
          'const a = await tools.exec_command({ cmd: "ls -a" });\ntext(JSON.stringify(a));\n' +
            'try { await tools.exec_command({ cmd: "echo hi > out.txt", sandbox_permissions: "require_escalated", justification: "write a file" }); } catch (e) { text("failed: " + e); }',
        ),
      ]),
      scripted.text('done'),
    );
    const finished: [string, string, unknown][] = [];
    const base = recordingHooks();
    const hooks: RuntimeHooks = {
      ...base,
      onToolFinish: (call, result, status) => (finished.push([call.name, status, call.input]), base.onToolFinish(call, result, status)),
    };
    const result = await runtime().run(request(), hooks);
    expect(result).toMatchObject({ status: 'COMPLETED', output: 'done', turns: 2 });
    expect(finished).toEqual([
      ['codex_command', 'SUCCEEDED', { command: expect.stringContaining('ls -a'), cwd: expect.stringMatching(/stagent-codex-task-/) }],
      ['codex_command', 'DENIED', { command: expect.stringContaining('echo hi > out.txt'), cwd: expect.stringMatching(/stagent-codex-task-/) }],
    ]);
    expect(JSON.stringify(inputOf(emulator.requestsFor('openai-responses')[1]!))).toContain('rejected');
  });

  it.each(['DENY', 'ASK'] as const)('declines Codex`s approval request for a %s tool: the tool never runs and is reported DENIED', async (approval) => {
    let runs = 0;
    const read: AgentTool = {
      name: 'mcp__files__read_text_file',
      description: 'Read a text file.',
      inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
      approval,
      run: async () => (runs++, 'secret file contents'),
    };
    emulator.script(
      'openai-responses',
      scripted.toolCalls(
        [exec('try { const r = await tools.mcp__files__read_text_file({ path: "notes.txt" }); text(JSON.stringify(r)); } catch (e) { text("failed: " + e); }')],
        { inputTokens: 300, outputTokens: 20 },
      ),
      scripted.text('I could not read it.', { inputTokens: 400, outputTokens: 6 }),
    );
    const finished: [string, string][] = [];
    const base = recordingHooks();
    const hooks: RuntimeHooks = {
      ...base,
      onToolFinish: (call, result, status) => (finished.push([call.name, status]), base.onToolFinish(call, result, status)),
    };
    const result = await runtime().run(request({ tools: [...createAgentTools({ documents: DOCS, finish: true }), read] }), hooks);
    expect(result).toMatchObject({ status: 'COMPLETED', output: 'I could not read it.', turns: 2 });
    expect(runs).toBe(0);
    expect(finished).toEqual([['mcp__files__read_text_file', 'DENIED']]);
    const second = JSON.stringify(inputOf(emulator.requestsFor('openai-responses')[1]!));
    expect(second).not.toContain('secret file contents');
  });
});
