import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../clock.js';
import { describeAdapterConformance, ProviderEmulator, recordingHooks, scripted } from '../testing/provider-emulator/index.js';
import { MODEL_CATALOG } from './model-catalog.js';
import { OpenAIDirectRuntime } from './openai-direct.js';
import { costMicros } from './pricing.js';

const MODEL = MODEL_CATALOG['openai-direct'].default;

function make(emulator: ProviderEmulator, settings: Record<string, unknown> = { 'openai.apiKey': 'sk-openai-test' }, retry = {}) {
  return new OpenAIDirectRuntime({ clock: new SystemClock(), getSetting: async (k) => settings[k], env: { OPENAI_BASE_URL: emulator.openaiBaseUrl }, retry });
}

describeAdapterConformance('openai-direct', {
  provider: 'openai',
  model: MODEL,
  reportsCache: 'read',
  streamErrorCategory: 'UNKNOWN',
  makeRuntime: (emulator, retry) => make(emulator, undefined, retry),
  assertToolHistory(request, calls, results) {
    const messages = request.body.messages as Record<string, unknown>[];
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'tool']);
    expect(messages[2]).toEqual({
      role: 'assistant',
      content: 'Let me check the documents.',
      tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.input) } })),
    });
    expect(messages.slice(3)).toEqual(calls.map((c, i) => ({ role: 'tool', tool_call_id: c.id, content: results[i] })));
  },
});

describe('openai-direct specifics', () => {
  const emulator = new ProviderEmulator();
  beforeAll(async () => {
    await emulator.start();
  });
  afterAll(() => emulator.close());

  it('asks for usage in the stream, sends function tools in Chat Completions shape, and reports cached input apart', async () => {
    emulator.reset();
    emulator.script('openai', scripted.text('ok', { inputTokens: 900, outputTokens: 4, cacheReadTokens: 100 }));
    const tool = { name: 'finish', description: 'done', inputSchema: { type: 'object' }, run: async () => 'done', endsTask: true };
    const hooks = recordingHooks();
    await make(emulator).run(
      {
        taskId: 't',
        model: MODEL,
        systemPrompt: 'System.',
        prompt: 'Task.',
        tools: [tool],
        maxTurns: 2,
        maxOutputTokens: 300,
        signal: new AbortController().signal,
      },
      hooks,
    );
    const [req] = emulator.requestsFor('openai');
    expect(req!.path).toBe('/v1/chat/completions');
    expect(req!.headers.authorization).toBe('Bearer sk-openai-test');
    expect(req!.body.stream_options).toEqual({ include_usage: true });
    expect(req!.body.max_completion_tokens).toBe(300);
    expect(req!.body.tools).toEqual([{ type: 'function', function: { name: 'finish', description: 'done', parameters: { type: 'object' } } }]);
    // prompt_tokens 1000 of which 100 cached: 900 uncached input + 100 cache reads.
    expect(hooks.usages).toEqual([{ model: MODEL, inputTokens: 900, outputTokens: 4, cacheReadTokens: 100, cacheWriteTokens: 0 }]);
    // 900 x $2.50 + 4 x $15 + 100 x $0.25 per million = 2250 + 60 + 25 micro-USD.
    expect(costMicros(hooks.usages[0]!)).toBe(2335);
  });

  it('treats insufficient_quota (a 429) as RATE_LIMITED without retrying', async () => {
    emulator.reset();
    emulator.script('openai', {
      kind: 'http_error',
      status: 429,
      code: 'insufficient_quota',
      errorType: 'insufficient_quota',
      message: 'You exceeded your current quota.',
    });
    const hooks = recordingHooks();
    const result = await make(emulator).run(
      { taskId: 't', model: MODEL, systemPrompt: '', prompt: 'x', tools: [], maxTurns: 1, maxOutputTokens: 10, signal: new AbortController().signal },
      hooks,
    );
    expect(result.failure).toMatchObject({ category: 'RATE_LIMITED', retryable: false, message: 'You exceeded your current quota.' });
    expect(hooks.retries).toEqual([]);
  });

  it('is unavailable without a key', async () => {
    const d = await new OpenAIDirectRuntime({ clock: new SystemClock(), getSetting: async () => undefined, env: {} }).describe();
    expect(d).toMatchObject({ available: false, models: { default: MODEL } });
    expect(d.unavailableReason).toMatch(/OPENAI_API_KEY/);
  });
});
