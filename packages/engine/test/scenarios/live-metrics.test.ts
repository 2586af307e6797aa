import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestEngine, type TestEngine } from '@stagent/engine/testing';

let t: TestEngine;
beforeEach(async () => {
  t = await createTestEngine({ simulatedLatencyMs: 10 });
});
afterEach(() => t.close());

const oneStep = (prompt: string) => ({ name: 'm', pattern: 'SEQUENCE', runtimeId: 'simulated', steps: [{ id: 'a', name: 'Write', prompt }] });

/** Scripts the simulated step whose prompt is `match`: one turn per entry, of that many output tokens. */
const scriptTurns = (match: string, outputTokens: number[], times?: number) =>
  t.engine.simulated.script({
    match,
    ...(times ? { times } : {}),
    script: { turns: outputTokens.map((n, i) => ({ text: `turn ${i + 1}`, outputTokens: n })) },
  });

async function runToEnd(t: TestEngine, runId: string) {
  for (let i = 0; i < 2000 && (await t.engine.getRun(runId))!.status === 'RUNNING'; i++) await t.clock.advance(10);
  return t.engine.waitForRun(runId);
}

describe('live step metrics', () => {
  it('coalesces output deltas to about ten events a second without losing text', async () => {
    const text = Array.from({ length: 100 }, (_, i) => `word${i} `).join('');
    t.engine.simulated.script({ match: 'Stream.', script: { turns: [{ text }], chunks: 100 } });
    const wf = await t.engine.createWorkflow(oneStep('Stream.'));
    const run = await runToEnd(t, (await t.engine.executeWorkflow(wf.id)).run.id);
    const deltas = (await t.engine.listEvents(wf.id)).filter((e) => e.kind === 'STEP_OUTPUT_DELTA');
    // 100 chunks over 1,000 ms of stream: at most ~one event per 100 ms (plus the final flush).
    expect(deltas.length).toBeLessThanOrEqual(12);
    expect(deltas.length).toBeGreaterThanOrEqual(5);
    expect(deltas.map((d) => d.outputDelta).join('')).toBe(text);
    expect(run.steps[0]!.output).toBe(text.trimEnd());
  });

  it('carries tokens, rate, cost vs budget, current tool, turn and elapsed on step events', async () => {
    const doc = await t.engine.createDocument({ name: 'Notes.md', mimeType: 'text/markdown', content: 'alpha beta gamma' });
    t.engine.simulated.script({
      match: 'Use tools.',
      script: {
        turns: [
          { text: 'Looking.', toolCalls: [{ name: 'search_documents', input: { query: 'beta' } }], inputTokens: 1000, outputTokens: 50 },
          { text: 'Found beta.', inputTokens: 1200, outputTokens: 80 },
        ],
      },
    });
    const wf = await t.engine.createWorkflow({ ...oneStep('Use tools.'), documentIds: [doc.id] });
    await runToEnd(t, (await t.engine.executeWorkflow(wf.id)).run.id);
    const events = await t.engine.listEvents(wf.id);
    const tool = events.find((e) => e.kind === 'TOOL_STARTED')!;
    expect(tool.toolName).toBe('search_documents');
    expect(tool.step).toMatchObject({ currentTool: 'search_documents', turns: 1 });
    const usages = events.filter((e) => e.kind === 'USAGE');
    expect(usages.map((u) => [u.inputTokens, u.outputTokens])).toEqual([
      [1000, 50],
      [1200, 80],
    ]);
    const last = usages.at(-1)!.step!;
    expect(last).toMatchObject({ inputTokens: 2200, outputTokens: 130, turns: 2, budgetUsd: 5 });
    expect(last.costUsd).toBeCloseTo((2200 * 3 + 130 * 15) / 1e6, 9);
    expect(last.tokensPerSecond).toBeGreaterThan(0);
    expect(last.elapsedMs).toBeGreaterThan(0);
    expect(events.find((e) => e.kind === 'TOOL_FINISHED')!.step!.currentTool).toBeNull();
  });

  it('the estimate learns output tokens and turns from comparable completed runs', async () => {
    scriptTurns('Learn.', [300, 300]);
    const wf = await t.engine.createWorkflow(oneStep('Learn.'));
    const before = await t.engine.estimateStoredWorkflow(wf.id);
    expect(before.steps[0]).toMatchObject({ fromHistory: false, outputTokens: 800, turns: 1 });
    for (let i = 0; i < 2; i++) await runToEnd(t, (await t.engine.executeWorkflow(wf.id)).run.id);
    const after = await t.engine.estimateStoredWorkflow(wf.id);
    expect(after.steps[0]).toMatchObject({ fromHistory: true, outputTokens: 600, turns: 2 });
  });

  it('reports whole tokens and turns when the learned means are fractional; the price uses the means', async () => {
    // Two runs: one turn of 85 tokens, then two turns of 42: means 84.5 tokens and 1.5 turns.
    scriptTurns('Average.', [85], 1);
    scriptTurns('Average.', [42, 42]);
    const wf = await t.engine.createWorkflow(oneStep('Average.'));
    for (let i = 0; i < 2; i++) await runToEnd(t, (await t.engine.executeWorkflow(wf.id)).run.id);
    const [step] = (await t.engine.estimateStoredWorkflow(wf.id)).steps;
    expect(step).toMatchObject({ fromHistory: true, outputTokens: 85, turns: 2 });
    expect(Number.isInteger(step!.inputTokens)).toBe(true);
    // inputTokens below is the rounded product of the prompt's tokens and 1.5 turns.
    const promptTokens = step!.inputTokens / 1.5;
    // (Within 5e-6 USD: inputTokens was rounded; whole turns or tokens would be off by 1e-4 and more.)
    expect(step!.estimatedUsd).toBeCloseTo((promptTokens * 1.5 * 3 + 84.5 * 15) / 1e6, 5);
  });
});
