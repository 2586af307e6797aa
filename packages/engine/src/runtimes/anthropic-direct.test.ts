import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../clock.js';
import { describeAdapterConformance, ProviderEmulator, recordingHooks, scripted } from '../testing/provider-emulator/index.js';
import { AnthropicDirectRuntime } from './anthropic-direct.js';
import { MODEL_CATALOG } from './model-catalog.js';
import { costMicros } from './pricing.js';

const MODEL = MODEL_CATALOG['anthropic-direct'].default;

function make(emulator: ProviderEmulator, settings: Record<string, unknown> = { 'anthropic.apiKey': 'sk-ant-test' }, retry = {}) {
  return new AnthropicDirectRuntime({ clock: new SystemClock(), getSetting: async (k) => settings[k], env: { ANTHROPIC_BASE_URL: emulator.url }, retry });
}

describeAdapterConformance('anthropic-direct', {
  provider: 'anthropic',
  model: MODEL,
  reportsCache: 'read-write',
  streamErrorCategory: 'PROVIDER_OVERLOADED',
  makeRuntime: (emulator, retry) => make(emulator, undefined, retry),
  assertToolHistory(request, calls, results) {
    const messages = request.body.messages as { role: string; content: unknown }[];
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(messages[1]!.content).toEqual([
      { type: 'text', text: 'Let me check the documents.' },
      ...calls.map((c) => ({ type: 'tool_use', id: c.id, name: c.name, input: c.input })),
    ]);
    expect(messages[2]!.content).toEqual(calls.map((c, i) => ({ type: 'tool_result', tool_use_id: c.id, content: results[i], is_error: false })));
  },
});

describe('anthropic-direct specifics', () => {
  const emulator = new ProviderEmulator();
  beforeAll(async () => {
    await emulator.start();
  });
  afterAll(() => emulator.close());

  it('marks the system prompt, the tool list and the task prompt for prompt caching, and sends the key', async () => {
    emulator.reset();
    emulator.script('anthropic', scripted.text('ok'));
    const tool = { name: 'finish', description: 'done', inputSchema: { type: 'object' }, run: async () => 'done', endsTask: true };
    await make(emulator).run(
      {
        taskId: 't',
        model: MODEL,
        systemPrompt: 'System.',
        prompt: 'Docs and task.',
        tools: [tool],
        maxTurns: 2,
        maxOutputTokens: 300,
        signal: new AbortController().signal,
      },
      recordingHooks(),
    );
    const [req] = emulator.requestsFor('anthropic');
    expect(req!.headers.authorization).toBe('Bearer sk-ant-test');
    expect(req!.body.system).toEqual([{ type: 'text', text: 'System.', cache_control: { type: 'ephemeral' } }]);
    expect(req!.body.tools).toEqual([{ name: 'finish', description: 'done', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } }]);
    expect(req!.body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Docs and task.', cache_control: { type: 'ephemeral' } }] }]);
    expect(req!.body.max_tokens).toBe(300);
  });

  it('prices a call with cache reads and writes from the registry', () => {
    // 1200 x $2 + 8 x $10 + 300 x $0.10 + 400 x $2.50 per million tokens = 2400 + 80 + 30 + 1000 micro-USD.
    expect(costMicros({ model: MODEL, inputTokens: 1200, outputTokens: 8, cacheReadTokens: 300, cacheWriteTokens: 400 })).toBe(3510);
  });

  it('is unavailable without a key, and a run without one fails AUTH without calling the API', async () => {
    emulator.reset();
    const rt = new AnthropicDirectRuntime({ clock: new SystemClock(), getSetting: async () => undefined, env: { ANTHROPIC_BASE_URL: emulator.url } });
    const d = await rt.describe();
    expect(d).toMatchObject({ available: false, models: { default: MODEL } });
    expect(d.unavailableReason).toMatch(/anthropic\.apiKey|ANTHROPIC_API_KEY/);
    const result = await rt.run(
      { taskId: 't', model: MODEL, systemPrompt: '', prompt: 'x', tools: [], maxTurns: 1, maxOutputTokens: 10, signal: new AbortController().signal },
      recordingHooks(),
    );
    expect(result.failure?.category).toBe('AUTH');
    expect(emulator.requests).toHaveLength(0);
  });

  it('uses ANTHROPIC_API_KEY from the given environment when the setting is unset', async () => {
    const rt = new AnthropicDirectRuntime({ clock: new SystemClock(), getSetting: async () => null, env: { ANTHROPIC_API_KEY: 'sk-env' } });
    expect((await rt.describe()).available).toBe(true);
  });

  it('ends TURN_LIMIT when the model still wants tools after the last allowed turn', async () => {
    emulator.reset();
    emulator.always('anthropic', scripted.toolCalls([{ name: 'nope', input: {} }], { inputTokens: 5, outputTokens: 5 }));
    const hooks = recordingHooks();
    const result = await make(emulator).run(
      { taskId: 't', model: MODEL, systemPrompt: '', prompt: 'x', tools: [], maxTurns: 2, maxOutputTokens: 10, signal: new AbortController().signal },
      hooks,
    );
    expect(result).toMatchObject({ status: 'FAILED', turns: 2, failure: { category: 'TURN_LIMIT' } });
    expect(hooks.tools.map((t) => t.isError)).toEqual([true, true]);
  });
});
