import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestEngine, scripted, startProviderEmulator, type ProviderEmulator, type TestEngine } from '@stagent/engine/testing';
import { UsageLedgerSchema } from '../../src/db/entities/usage-ledger.entity.js';
import { PRICES } from '../../src/runtimes/pricing.js';

let emu: ProviderEmulator;
let t: TestEngine;
beforeAll(async () => {
  emu = await startProviderEmulator();
});
afterAll(() => emu.close());
afterEach(async () => {
  await t?.close();
  emu.reset();
});

async function engineOnEmulator(): Promise<TestEngine> {
  const engine = await createTestEngine({
    env: { ANTHROPIC_BASE_URL: emu.url, OPENAI_BASE_URL: emu.openaiBaseUrl, ANTHROPIC_API_KEY: 'sk-ant-test', OPENAI_API_KEY: 'sk-test' },
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  });
  await engine.engine.updateSettings([{ key: 'ollama.baseUrl', value: emu.url }]);
  return engine;
}

describe('real adapters through the provider emulator', () => {
  it('runs a three-step workflow on three runtimes, recording each runtime and model and the exact ledger cost', async () => {
    t = await engineOnEmulator();
    emu.script('anthropic', scripted.text('Anthropic findings.', { inputTokens: 1200, outputTokens: 300, cacheReadTokens: 100 }));
    emu.script('openai', scripted.text('OpenAI analysis.', { inputTokens: 900, outputTokens: 250 }));
    emu.script('ollama', scripted.text('Local summary.', { inputTokens: 500, outputTokens: 120 }));
    const wf = await t.engine.createWorkflow({
      name: 'three providers',
      pattern: 'SEQUENCE',
      steps: [
        { id: 'a', name: 'Research', prompt: 'Research.', runtimeId: 'anthropic-direct' },
        { id: 'b', name: 'Analyse', prompt: 'Analyse.', runtimeId: 'openai-direct' },
        { id: 'c', name: 'Summarise', prompt: 'Summarise.', runtimeId: 'ollama' },
      ],
    });
    const run = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    expect(run.status).toBe('COMPLETED');
    const runtimes = await t.engine.listRuntimes();
    const defaultModel = (id: string) => runtimes.find((r) => r.id === id)!.models.default;
    expect(run.steps.map((s) => [s.runtimeId, s.modelId])).toEqual([
      ['anthropic-direct', defaultModel('anthropic-direct')],
      ['openai-direct', defaultModel('openai-direct')],
      ['ollama', 'llama3.2:latest'],
    ]);
    expect(run.steps.map((s) => s.output)).toEqual(['Anthropic findings.', 'OpenAI analysis.', 'Local summary.']);
    // Step 2's request carried step 1's output.
    expect(JSON.stringify(emu.requestsFor('openai')[0]!.body)).toContain('Anthropic findings.');

    const ledger = await t.engine.resources.orm.em.fork().find(UsageLedgerSchema, { workflowId: wf.id }, { orderBy: { createdAt: 'asc' } });
    expect(ledger.map((l) => [l.runtimeId, l.inputTokens, l.outputTokens, l.status])).toEqual([
      ['anthropic-direct', 1200, 300, 'ok'],
      ['openai-direct', 900, 250, 'ok'],
      ['ollama', 500, 120, 'ok'],
    ]);
    const a = PRICES[defaultModel('anthropic-direct')]!;
    expect(ledger[0]!.costMicros).toBe(Math.round(1200 * a.input + 300 * a.output + 100 * a.cacheRead));
    const o = PRICES[defaultModel('openai-direct')]!;
    expect(ledger[1]!.costMicros).toBe(Math.round(900 * o.input + 250 * o.output));
    expect(run.costUsd).toBeCloseTo(ledger.reduce((s, l) => s + l.costMicros, 0) / 1e6, 9);
  });

  it('with budget.onCapReached = fail, stops on turn 3 with BUDGET_EXCEEDED when the cap is reached there, keeping the partial output', async () => {
    t = await engineOnEmulator();
    await t.engine.updateSettings([{ key: 'budget.onCapReached', value: 'fail' }]);
    const model = (await t.engine.listRuntimes()).find((r) => r.id === 'anthropic-direct')!.models.default;
    const price = PRICES[model]!;
    const perTurnUsd = (1000 * price.input + 100 * price.output) / 1e6;
    const doc = await t.engine.createDocument({ name: 'Notes.md', mimeType: 'text/markdown', content: 'alpha beta gamma' });
    const call = { name: 'search_documents', input: { query: 'beta' } };
    emu.script(
      'anthropic',
      scripted.toolCalls([call], { inputTokens: 1000, outputTokens: 100 }, 'Turn one. '),
      scripted.toolCalls([call], { inputTokens: 1000, outputTokens: 100 }, 'Turn two. '),
      scripted.toolCalls([call], { inputTokens: 1000, outputTokens: 100 }, 'Turn three. '),
      scripted.text('Turn four.', { inputTokens: 1000, outputTokens: 100 }),
    );
    const wf = await t.engine.createWorkflow({
      name: 'cap',
      pattern: 'SEQUENCE',
      documentIds: [doc.id],
      steps: [{ id: 'a', name: 'Dig', prompt: 'Dig.', runtimeId: 'anthropic-direct', budgetUsd: perTurnUsd * 2.5 }],
    });
    const run = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    const step = run.steps[0]!;
    expect(step).toMatchObject({ status: 'FAILED', failureCategory: 'BUDGET_EXCEEDED', turns: 3 });
    expect(step.output).toContain('Turn three.');
    expect(emu.requestsFor('anthropic')).toHaveLength(3);
    expect(step.costUsd).toBeCloseTo(perTurnUsd * 3, 9);
    // The second request carried the model's own tool-use turn and the tool result.
    const second = JSON.stringify(emu.requestsFor('anthropic')[1]!.body);
    expect(second).toContain('tool_use');
    expect(second).toContain('tool_result');
  });
});
