import { describe, expect, it } from 'vitest';
import type { RuntimeDescriptor } from '../runtimes/runtime.js';
import type { SettingView } from '../settings/settings-system.js';
import { assistantSystemPrompt, conversationPrompt, type RecalledMessage } from './assistant-context.js';
import { NEW_MESSAGE_HEADING, newestUserMessage } from './assistant-prompt-format.js';
import { countTokens } from '../budget/tokenizer.js';

const MODEL = 'claude-sonnet-4-5';

function turn(i: number, extra: Partial<RecalledMessage> = {}): RecalledMessage {
  return { role: i % 2 === 0 ? 'user' : 'assistant', content: `Message ${i}: ${'words about the quarterly report '.repeat(12)}`, toolCalls: [], ...extra };
}

describe('conversationPrompt: the conversation cut to a token budget', () => {
  it('keeps everything that fits, with the new message last under its heading', () => {
    const history = [turn(0), turn(1)];
    const { prompt, cutMessages, recalledTokens } = conversationPrompt(history, 'And the totals?', 10_000, MODEL);
    expect(cutMessages).toBe(0);
    expect(prompt).not.toContain('(cut)');
    expect(prompt).toContain('User: Message 0');
    expect(prompt).toContain('Assistant: Message 1');
    expect(prompt.endsWith(`${NEW_MESSAGE_HEADING}\nAnd the totals?`)).toBe(true);
    expect(newestUserMessage(prompt)).toBe('And the totals?');
    expect(recalledTokens).toBeGreaterThan(0);
  });

  it('cuts the oldest whole messages to the budget and says what was cut', () => {
    const history = Array.from({ length: 30 }, (_, i) => turn(i));
    const budget = 1_000;
    const { prompt, cutMessages, recalledTokens } = conversationPrompt(history, 'Summarise.', budget, MODEL);
    expect(cutMessages).toBeGreaterThan(0);
    expect(cutMessages).toBeLessThan(30);
    expect(recalledTokens).toBeLessThanOrEqual(budget);
    // The newest messages are kept verbatim, the cut ones are not.
    expect(prompt).toContain(history[29]!.content.trim());
    expect(prompt).not.toContain('User: Message 0:');
    expect(prompt).toContain(`## Earlier in this conversation (cut)\n${cutMessages} earlier messages were cut to fit the context budget of 1000 tokens`);
    expect(prompt).toMatch(/and \d+ earlier messages: /);
    // What is recalled (everything but the summary and the new message) fits the budget by the model's own count.
    const recalled = prompt.slice(prompt.indexOf('## The conversation so far'), prompt.indexOf(NEW_MESSAGE_HEADING));
    expect(countTokens(recalled, MODEL).tokens).toBeLessThanOrEqual(budget + 20);
  });

  it('recalls tool calls with the start of their results, so ids made earlier are still known', () => {
    const history: RecalledMessage[] = [
      turn(0),
      {
        role: 'assistant',
        content: 'Created it.',
        toolCalls: [
          { toolName: 'create_workflow', input: { input: { name: 'Brief' } }, status: 'SUCCEEDED', output: `{"id":"wf-123",${'"x":1,'.repeat(500)}"end":1}` },
        ],
      },
    ];
    const { prompt } = conversationPrompt(history, 'Run it.', 10_000, MODEL);
    expect(prompt).toContain('[tool create_workflow {"input":{"name":"Brief"}} → SUCCEEDED: {"id":"wf-123"');
    expect(prompt).toContain('… (cut)]');
  });
});

describe('assistantSystemPrompt: the live catalog and settings', () => {
  const runtimes: RuntimeDescriptor[] = [
    {
      id: 'anthropic-direct',
      label: 'Anthropic API',
      provider: 'Anthropic',
      description: '',
      available: true,
      unavailableReason: null,
      models: { default: 'claude-sonnet-4-5', supported: ['claude-sonnet-4-5', 'claude-haiku-4-5'] },
      capabilities: [],
    },
    {
      id: 'ollama',
      label: 'Ollama',
      provider: 'Ollama',
      description: '',
      available: false,
      unavailableReason: 'Ollama does not answer at http://127.0.0.1:11434',
      models: { default: 'llama3.2', supported: ['llama3.2'] },
      capabilities: [],
    },
  ];
  const setting = (s: Partial<SettingView> & { key: string }): SettingView => ({
    value: null,
    isSet: false,
    writable: true,
    secret: false,
    description: '',
    type: 'number',
    min: null,
    max: null,
    options: null,
    ...s,
  });
  const settings = [
    setting({ key: 'budget.maxCostPerTaskUsd', value: 3, isSet: true, min: 0.5, max: 50 }),
    setting({ key: 'budget.onCapReached', type: 'enum', value: 'pause', options: ['pause', 'fail'] }),
    setting({ key: 'anthropic.apiKey', type: 'string', secret: true, isSet: true, value: 'sk-ant-never-shown' }),
    setting({ key: 'system.dataDir', type: 'string', writable: false, value: '/data' }),
  ];

  it('lists every runtime with its availability and models, and the writable settings with their values and ranges', () => {
    const prompt = assistantSystemPrompt({ runtimes, settings, now: Date.UTC(2026, 11, 7) });
    expect(prompt).toContain('- anthropic-direct (Anthropic API): available; default model claude-sonnet-4-5; also claude-haiku-4-5');
    expect(prompt).toContain('- ollama (Ollama): unavailable (Ollama does not answer at http://127.0.0.1:11434)');
    expect(prompt).toContain('- budget.maxCostPerTaskUsd (number, 0.5 to 50): 3');
    expect(prompt).toContain('- budget.onCapReached (enum, one of pause | fail): unset (default "pause")');
    expect(prompt).toContain('- anthropic.apiKey (string): set (secret: never shown)');
    expect(prompt).not.toContain('sk-ant-never-shown');
    expect(prompt).toContain('These are read-only: system.dataDir.');
    expect(prompt).not.toContain('- system.dataDir');
    expect(prompt).toContain('2026-12-07T00:00:00.000Z');
  });
});
