import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../clock.js';
import { describeAdapterConformance, ProviderEmulator, recordingHooks, scripted } from '../testing/provider-emulator/index.js';
import { OllamaRuntime } from './ollama.js';
import { costMicros, priceFor } from './pricing.js';

const MODEL = 'llama3.2:latest';

function make(baseUrl: string, retry = {}, probeTimeoutMs?: number) {
  return new OllamaRuntime({ clock: new SystemClock(), getSetting: async (k) => (k === 'ollama.baseUrl' ? baseUrl : undefined), retry, probeTimeoutMs });
}

describeAdapterConformance('ollama', {
  provider: 'ollama',
  model: MODEL,
  reportsCache: 'none',
  streamErrorCategory: 'UNKNOWN',
  makeRuntime: (emulator, retry) => make(emulator.url, retry),
  assertToolHistory(request, calls, results) {
    const messages = request.body.messages as Record<string, unknown>[];
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'tool']);
    expect(messages[2]).toEqual({
      role: 'assistant',
      content: 'Let me check the documents.',
      tool_calls: calls.map((c) => ({ function: { name: c.name, arguments: c.input } })),
    });
    expect(messages.slice(3)).toEqual(calls.map((c, i) => ({ role: 'tool', tool_name: c.name, content: results[i] })));
  },
});

/** A loopback port nothing listens on: bind one, note it, close it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('ollama availability and models', () => {
  const emulator = new ProviderEmulator();
  beforeAll(async () => {
    await emulator.start();
  });
  afterAll(() => emulator.close());

  it('lists the models the server has, picks the preferred default, and prices them at zero', async () => {
    emulator.reset();
    emulator.ollamaModels = ['qwen2.5:7b', 'llama3.2:latest', 'phi4:latest'];
    const d = await make(emulator.url).describe();
    expect(d).toMatchObject({
      available: true,
      unavailableReason: null,
      models: { default: 'llama3.2:latest', supported: ['qwen2.5:7b', 'llama3.2:latest', 'phi4:latest'] },
    });
    expect(priceFor('phi4:latest')?.input).toBe(0);
    expect(costMicros({ model: 'phi4:latest', inputTokens: 1000, outputTokens: 1000 })).toBe(0);
  });

  it('is unavailable, saying so precisely, when nothing listens at the base URL', async () => {
    const port = await closedPort();
    const d = await make(`http://127.0.0.1:${port}`).describe();
    expect(d.available).toBe(false);
    expect(d.unavailableReason).toBe(
      `Ollama is not running at http://127.0.0.1:${port} (connection refused or unreachable). Start it with \`ollama serve\` or set ollama.baseUrl.`,
    );
  });

  it('is unavailable when the server has no models, or answers /api/tags with an error', async () => {
    emulator.reset();
    emulator.ollamaModels = [];
    expect((await make(emulator.url).describe()).unavailableReason).toMatch(/has no models; pull one/);
    emulator.ollamaModels = { status: 500 };
    expect((await make(emulator.url).describe()).unavailableReason).toBe(`Ollama at ${emulator.url} answered GET /api/tags with HTTP 500.`);
  });

  it('reads the base URL from the ollama.baseUrl setting, trailing slash allowed', async () => {
    emulator.reset();
    emulator.script('ollama', scripted.text('hi'));
    const result = await make(`${emulator.url}/`).run(
      { taskId: 't', model: MODEL, systemPrompt: '', prompt: 'x', tools: [], maxTurns: 1, maxOutputTokens: 64, signal: new AbortController().signal },
      recordingHooks(),
    );
    expect(result.status).toBe('COMPLETED');
    expect(emulator.requestsFor('ollama')[0]!.body).toMatchObject({ model: MODEL, stream: true, options: { num_predict: 64 } });
  });

  it('fails CONNECTION (after retries) when Ollama stops between probe and run', async () => {
    const port = await closedPort();
    const hooks = recordingHooks();
    const result = await make(`http://127.0.0.1:${port}`, { baseDelayMs: 1, jitter: 0, maxAttempts: 2 }).run(
      { taskId: 't', model: MODEL, systemPrompt: '', prompt: 'x', tools: [], maxTurns: 1, maxOutputTokens: 64, signal: new AbortController().signal },
      hooks,
    );
    expect(result.failure?.category).toBe('CONNECTION');
    expect(hooks.retries).toHaveLength(1);
  });
});
