import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, SystemClock } from '../clock.js';
import { ProviderEmulator, recordingHooks, scripted } from '../testing/provider-emulator/index.js';
import { ClaudeCodeRuntime } from './claude-code.js';
import { createDefaultCatalog } from './default-catalog.js';
import { MODEL_CATALOG } from './model-catalog.js';
import { OpenAICodexAppServerRuntime } from './openai-codex-app-server.js';
import { priceFor } from './pricing.js';
import type { RuntimeRequest } from './runtime.js';
import { SimulatedRuntime } from './simulated.js';

describe('default catalog', () => {
  const emulator = new ProviderEmulator();
  beforeAll(async () => {
    await emulator.start();
  });
  afterAll(() => emulator.close());

  const catalog = () =>
    createDefaultCatalog({
      clock: new SystemClock(),
      getSetting: async (key) => (key === 'ollama.baseUrl' ? emulator.url : key === 'anthropic.apiKey' ? 'sk-ant' : undefined),
      env: { OPENAI_API_KEY: 'sk-openai', ANTHROPIC_BASE_URL: emulator.url, OPENAI_BASE_URL: emulator.openaiBaseUrl, PATH: '' },
      simulated: new SimulatedRuntime(new ManualClock()),
      retry: { baseDelayMs: 1, jitter: 0 },
    });

  it('registers the six runtimes in catalog order with precise availability', async () => {
    emulator.reset();
    const all = await catalog().describeAll();
    expect(all.map((d) => [d.id, d.available])).toEqual([
      ['claude-code', false],
      ['openai-codex-app-server', false],
      ['anthropic-direct', true],
      ['openai-direct', true],
      ['ollama', true],
      ['simulated', true],
    ]);
    expect(all[0]!.unavailableReason).toMatch(/@anthropic-ai\/claude-agent-sdk is not installed/);
    expect(all[1]!.unavailableReason).toMatch(/no `codex` on PATH/);
  });

  it('has a price row with a dated source for every model it lists', async () => {
    emulator.reset();
    for (const d of await catalog().describeAll()) {
      for (const model of d.models.supported) {
        const price = priceFor(model);
        expect(price, `${d.id} ${model}`).toBeDefined();
        if (d.id !== 'simulated' && d.id !== 'ollama') expect(price!.source).toMatch(/2026-\d\d-\d\d/);
      }
      if (d.models.default) expect(d.models.supported).toContain(d.models.default);
    }
  });

  it('rejects an unknown runtime and an unknown model instead of falling back', async () => {
    emulator.reset();
    const c = catalog();
    expect(() => c.get('claude')).toThrow(/Unknown runtime "claude"/);
    await expect(c.resolveModel('anthropic-direct', 'gpt-5.6-terra')).rejects.toThrow(/has no model "gpt-5.6-terra"/);
    expect(await c.resolveModel('openai-direct', undefined)).toBe(MODEL_CATALOG['openai-direct'].default);
  });

  it('runs three tasks on three runtimes through the emulator, each with its own model', async () => {
    emulator.reset();
    emulator.script('anthropic', scripted.text('from claude', { inputTokens: 10, outputTokens: 3 }));
    emulator.script('openai', scripted.text('from gpt', { inputTokens: 11, outputTokens: 4 }));
    emulator.script('ollama', scripted.text('from llama', { inputTokens: 12, outputTokens: 5 }));
    const c = catalog();
    const outputs: string[] = [];
    const models: string[] = [];
    for (const id of ['anthropic-direct', 'openai-direct', 'ollama']) {
      const model = await c.resolveModel(id, undefined);
      const hooks = recordingHooks();
      const request: RuntimeRequest = {
        taskId: id,
        model,
        systemPrompt: '',
        prompt: 'go',
        tools: [],
        maxTurns: 2,
        maxOutputTokens: 50,
        signal: new AbortController().signal,
      };
      const result = await c.get(id).run(request, hooks);
      outputs.push(result.output);
      models.push(hooks.usages[0]!.model);
    }
    expect(outputs).toEqual(['from claude', 'from gpt', 'from llama']);
    expect(models).toEqual([MODEL_CATALOG['anthropic-direct'].default, MODEL_CATALOG['openai-direct'].default, 'llama3.2:latest']);
    expect(emulator.requests.map((r) => [r.provider, r.body.model])).toEqual([
      ['anthropic', models[0]],
      ['openai', models[1]],
      ['ollama', models[2]],
    ]);
  });
});

describe('agent CLI runtimes', () => {
  it('claude-code without its SDK is unavailable, and run() makes no call', async () => {
    const rt = new ClaudeCodeRuntime({
      clock: new SystemClock(),
      getSetting: async () => 'sk-ant',
      importModule: async () => Promise.reject(new TypeError('absent')),
    });
    const d = await rt.describe();
    expect(d).toMatchObject({ available: false, provider: 'anthropic' });
    expect(d.unavailableReason).toMatch(/is not installed \(optional: it ships a ~384 MB native binary\)/);
    const result = await rt.run({} as RuntimeRequest, recordingHooks());
    expect(result).toMatchObject({ status: 'FAILED', turns: 0, failure: { category: 'INVALID_REQUEST' } });
  });

  it('claude-code with its SDK still needs an Anthropic key', async () => {
    const sdk = { query: () => [], tool: () => ({}), createSdkMcpServer: () => ({}) };
    const rt = new ClaudeCodeRuntime({ clock: new SystemClock(), getSetting: async () => undefined, env: {}, importModule: async () => sdk });
    expect((await rt.describe()).unavailableReason).toMatch(/No Anthropic API key/);
  });

  it('openai-codex-app-server says when the codex it finds is not the Codex CLI, and when the key is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stagent-codex-'));
    await writeFile(join(dir, 'codex'), '#!/bin/sh\necho "some other tool 1.0"\n');
    await chmod(join(dir, 'codex'), 0o755);
    const runtime = (env: NodeJS.ProcessEnv, key?: string) =>
      new OpenAICodexAppServerRuntime({
        clock: new SystemClock(),
        getSetting: async () => key,
        env,
        importModule: async () => Promise.reject(new TypeError('absent')),
      });
    const wrong = await runtime({ PATH: dir }, 'sk-openai').describe();
    expect(wrong.available).toBe(false);
    expect(wrong.unavailableReason).toMatch(/cannot start: .*codex is not the Codex CLI \(`--version` printed "some other tool 1.0"\)/);
    const result = await runtime({ PATH: dir }, 'sk-openai').run({} as RuntimeRequest, recordingHooks());
    expect(result).toMatchObject({ status: 'FAILED', turns: 0, failure: { category: 'INVALID_REQUEST' } });

    await writeFile(join(dir, 'codex-cli'), '#!/bin/sh\necho "codex-cli 0.171.0"\n');
    await chmod(join(dir, 'codex-cli'), 0o755);
    const noKey = await runtime({ PATH: dir, STAGENT_CODEX_BIN: join(dir, 'codex-cli') }).describe();
    expect(noKey.unavailableReason).toMatch(/No OpenAI API key/);
    const missing = await runtime({ PATH: '', STAGENT_CODEX_BIN: join(dir, 'absent') }, 'sk-openai').describe();
    expect(missing.unavailableReason).toMatch(/The Codex CLI is not installed.*pnpm --filter @stagent\/engine add @openai\/codex/);
    await rm(dir, { recursive: true, force: true });
  });
});
