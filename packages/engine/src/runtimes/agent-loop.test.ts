import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { recordingHooks } from '../testing/provider-emulator/index.js';
import { runAgentLoop, type ModelTurn, type ProviderConversation } from './agent-loop.js';
import { failure } from './error-classification.js';
import { DEFAULT_RETRY_POLICY } from './retry-policy.js';
import type { AgentTool, RuntimeRequest } from './runtime.js';

/** A conversation that plays scripted turns and logs what the loop appends, in order. */
function fakeConversation(turns: ModelTurn[]): ProviderConversation & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    async call(io) {
      const turn = turns.shift()!;
      io.onText(turn.text);
      log.push(`call:${turn.text}`);
      return turn;
    },
    addAssistantTurn: (t) => log.push(`assistant:${t.toolCalls.map((c) => c.id).join(',')}`),
    addToolResults: (r) => log.push(`results:${r.map((x) => `${x.call.id}=${x.content}`).join(',')}`),
    addContinuation: () => log.push('continue'),
    snapshot: () => [...log],
    restore: (s) => log.splice(0, log.length, ...(s as string[])),
  };
}

const usage = { model: 'm', inputTokens: 1, outputTokens: 1 };
const opts = { clock: new ManualClock(), retry: DEFAULT_RETRY_POLICY, classify: () => failure('UNKNOWN', 'x') };
const request = (tools: AgentTool[], signal = new AbortController().signal): RuntimeRequest => ({
  taskId: 't',
  model: 'm',
  systemPrompt: '',
  prompt: 'p',
  tools,
  maxTurns: 5,
  maxOutputTokens: 10,
  signal,
});

describe('runAgentLoop', () => {
  it("appends the model's own turn before the tool results", async () => {
    const echo: AgentTool = { name: 'echo', description: '', inputSchema: {}, run: async (input) => String(input.v) };
    const convo = fakeConversation([
      {
        text: 'a',
        toolCalls: [
          { id: 'c1', name: 'echo', input: { v: 1 } },
          { id: 'c2', name: 'echo', input: { v: 2 } },
        ],
        usage,
        stop: 'tool_use',
      },
      { text: 'b', toolCalls: [], usage, stop: 'end' },
    ]);
    const result = await runAgentLoop(request([echo]), recordingHooks(), convo, opts);
    expect(result).toEqual({ status: 'COMPLETED', output: 'a\nb', turns: 2 });
    // Every model turn joins the history before its usage is reported (the journal stores it with that usage), the last one too.
    expect(convo.log).toEqual(['call:a', 'assistant:c1,c2', 'results:c1=1,c2=2', 'call:b', 'assistant:']);
  });

  it('ends CANCELLED when cancelled while a tool runs, without another call', async () => {
    const controller = new AbortController();
    const slow: AgentTool = {
      name: 'slow',
      description: '',
      inputSchema: {},
      run: async () => {
        controller.abort('cancelled');
        return 'late';
      },
    };
    const convo = fakeConversation([
      {
        text: 'working',
        toolCalls: [
          { id: 'c1', name: 'slow', input: {} },
          { id: 'c2', name: 'slow', input: {} },
        ],
        usage,
        stop: 'tool_use',
      },
      { text: 'never', toolCalls: [], usage, stop: 'end' },
    ]);
    const hooks = recordingHooks();
    const result = await runAgentLoop(request([slow], controller.signal), hooks, convo, opts);
    expect(result).toMatchObject({ status: 'CANCELLED', output: 'working', turns: 1, failure: { category: 'CANCELLED' } });
    expect(hooks.tools).toHaveLength(1);
    expect(convo.log).toEqual(['call:working', 'assistant:c1,c2']);
  });

  it('reports a tool that throws as an error result and goes on', async () => {
    const broken: AgentTool = { name: 'broken', description: '', inputSchema: {}, run: async () => Promise.reject(new TypeError('disk full')) };
    const convo = fakeConversation([
      { text: '', toolCalls: [{ id: 'c1', name: 'broken', input: {} }], usage, stop: 'tool_use' },
      { text: 'recovered', toolCalls: [], usage, stop: 'end' },
    ]);
    const hooks = recordingHooks();
    const result = await runAgentLoop(request([broken]), hooks, convo, opts);
    expect(result.status).toBe('COMPLETED');
    expect(hooks.tools[0]).toMatchObject({ name: 'broken', result: 'Tool broken failed: disk full', isError: true });
  });
});
