import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { SimulatedRuntime } from './simulated.js';
import type { RuntimeHooks, RuntimeRequest } from './runtime.js';

const hooks: RuntimeHooks = {
  onTurnStart: () => {},
  onOutputDelta: () => {},
  onUsage: async () => ({ stop: false }),
  onToolStart: () => {},
  onToolFinish: () => {},
  onRetry: () => {},
};

function request(prompt: string): RuntimeRequest {
  return {
    taskId: 'task-1',
    prompt,
    systemPrompt: '',
    model: 'simulated-smart',
    maxTurns: 10,
    maxOutputTokens: 1000,
    tools: [],
    signal: new AbortController().signal,
  };
}

describe('SimulatedRuntime', () => {
  it('titles its answer after the instruction, not the documents block in front of it', async () => {
    const prompt = '--- Documents (1) ---\n## Pitch.md\nOur pitch.\n--- End of documents ---\n\nTighten the pitch narrative.';
    const result = await new SimulatedRuntime(new ManualClock()).run(request(prompt), hooks);
    expect(result.output.split('\n')[0]).toBe('### Simulated result: Tighten the pitch narrative.');
  });
});
