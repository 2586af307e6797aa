import { describe, expect, it } from 'vitest';
import type { AssistantEvent, AssistantMessage } from '$lib/graphql/assistant';
import { toolCallFactory } from '$test/factories/tool-call';
import { applyAssistantEvent, mergeMessage, type LiveMessages } from './assistant-events';

let seq = 0;
function event(overrides: Partial<AssistantEvent>): AssistantEvent {
  seq += 1;
  return {
    seq,
    at: new Date(1_700_000_000_000 + seq).toISOString(),
    kind: 'TEXT_DELTA',
    conversationId: 'c1',
    messageId: 'm2',
    textDelta: null,
    message: null,
    toolCall: null,
    ...overrides,
  };
}

function reply(overrides: Partial<AssistantMessage> = {}): AssistantMessage {
  return {
    id: 'm2',
    role: 'assistant',
    content: '',
    status: 'STREAMING',
    error: null,
    createdAt: new Date(1_700_000_000_000).toISOString(),
    inputTokens: null,
    outputTokens: null,
    costUsd: null,
    toolCalls: [],
    links: [],
    ...overrides,
  };
}

const run = (events: AssistantEvent[]): LiveMessages => events.reduce(applyAssistantEvent, {} as LiveMessages);

describe('assistant events', () => {
  it('builds the reply from its deltas and follows its tool calls and end', () => {
    const waiting = toolCallFactory({ id: 't1', workflowId: null, runId: null, stepId: null, conversationId: 'c1', toolName: 'execute_workflow' });
    const live = run([
      event({ kind: 'MESSAGE_STARTED' }),
      event({ textDelta: 'Running ' }),
      event({ textDelta: 'it.' }),
      event({ kind: 'TOOL_CALL', toolCall: waiting }),
    ]);
    expect(live.m2).toMatchObject({ content: 'Running it.', fromStart: true, status: 'WAITING_APPROVAL' });
    const after = run([
      event({ kind: 'MESSAGE_STARTED' }),
      event({ kind: 'TOOL_CALL', toolCall: waiting }),
      event({ kind: 'TOOL_CALL', toolCall: { ...waiting, status: 'RUNNING' } }),
      event({ kind: 'TOOL_RESULT', toolCall: { ...waiting, status: 'SUCCEEDED', output: '{"run":1}' } }),
      event({ textDelta: 'Done.' }),
      event({ kind: 'MESSAGE_COMPLETED' }),
    ]);
    expect(after.m2.status).toBe('COMPLETED');
    expect(after.m2.toolCalls).toEqual([{ ...waiting, status: 'SUCCEEDED', output: '{"run":1}' }]);
  });

  it('keeps why a reply failed', () => {
    const live = run([event({ kind: 'MESSAGE_STARTED' }), event({ kind: 'MESSAGE_FAILED', message: 'The runtime is unavailable.' })]);
    expect(live.m2).toMatchObject({ status: 'FAILED', error: 'The runtime is unavailable.' });
    expect(mergeMessage(reply(), live.m2)).toMatchObject({ status: 'FAILED', error: 'The runtime is unavailable.' });
  });

  it('merges over the stored message: whole streamed text, unended status, furthest calls', () => {
    const live = run([event({ kind: 'MESSAGE_STARTED' }), event({ textDelta: 'Hello there' })]);
    // A snapshot read mid-stream is shorter: the stream's text shows.
    expect(mergeMessage(reply({ content: 'Hello' }), live.m2).content).toBe('Hello there');
    // A snapshot read after the end is longer and ended: it wins.
    expect(mergeMessage(reply({ content: 'Hello there, done.', status: 'COMPLETED' }), live.m2)).toMatchObject({
      content: 'Hello there, done.',
      status: 'COMPLETED',
    });
    // Deltas without their start (a stream joined late) never replace the stored text.
    const partial = run([event({ textDelta: ' more' })]);
    expect(mergeMessage(reply({ content: 'Stored text' }), partial.m2).content).toBe('Stored text');
    // No events: the stored message as it is.
    const stored = reply({ content: 'x', status: 'COMPLETED' });
    expect(mergeMessage(stored, undefined)).toBe(stored);
    const call = toolCallFactory({ id: 't1', status: 'SUCCEEDED' });
    const stale = run([event({ kind: 'TOOL_CALL', toolCall: { ...call, status: 'WAITING_APPROVAL' } })]);
    expect(mergeMessage(reply({ toolCalls: [call] }), stale.m2).toolCalls).toEqual([call]);
  });
});
