import { flushSync } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import type { StagentClient } from '$lib/graphql/client';
import type { AssistantConversation, AssistantEvent, AssistantMessage } from '$lib/graphql/assistant';
import { toolCallFactory } from '$test/factories/tool-call';
import { Assistant } from './assistant.svelte';

function message(overrides: Partial<AssistantMessage>): AssistantMessage {
  return {
    id: 'm1',
    role: 'user',
    content: '',
    status: 'COMPLETED',
    error: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    inputTokens: null,
    outputTokens: null,
    costUsd: null,
    toolCalls: [],
    links: [],
    ...overrides,
  };
}

function conversation(messages: AssistantMessage[]): AssistantConversation {
  return {
    id: 'c1',
    title: 'Run the scan',
    runtimeId: 'simulated',
    modelId: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    costUsd: 0,
    messages,
  };
}

let seq = 0;
function event(overrides: Partial<AssistantEvent>): AssistantEvent {
  seq += 1;
  return {
    seq,
    at: '2026-01-01T00:00:01.000Z',
    kind: 'TEXT_DELTA',
    conversationId: 'c1',
    messageId: 'm2',
    textDelta: null,
    message: null,
    toolCall: null,
    ...overrides,
  };
}

/** A client whose answers the test sets, with subscriptions and socket events driven by hand. */
function fakeClient(answers: { send: () => unknown; conversation: () => unknown }) {
  const subscriptions: { variables: Record<string, unknown>; push: (data: unknown) => void; unsubscribe: ReturnType<typeof vi.fn> }[] = [];
  const asked: string[] = [];
  const listeners: Record<string, (() => void)[]> = {};
  const nameOf = (doc: { definitions: { name?: { value: string } }[] }) => doc.definitions[0].name?.value ?? '';
  const client = {
    urql: {
      query: (doc: never) => ({
        toPromise: async () => {
          const name = nameOf(doc);
          asked.push(name);
          if (name === 'AssistantConversation') return { data: { assistantConversation: answers.conversation() } };
          if (name === 'AssistantConversations') return { data: { assistantConversations: [] } };
          return { data: { runtimes: [] } };
        },
      }),
      mutation: (doc: never, variables: Record<string, unknown>) => ({
        toPromise: async () => {
          asked.push(`${nameOf(doc)} ${JSON.stringify(variables)}`);
          return { data: { sendAssistantMessage: answers.send() } };
        },
      }),
      subscription: (_doc: unknown, variables: Record<string, unknown>) => ({
        subscribe(cb: (result: { data: unknown }) => void) {
          const entry = { variables, push: (data: unknown) => cb({ data }), unsubscribe: vi.fn() };
          subscriptions.push(entry);
          return { unsubscribe: entry.unsubscribe };
        },
      }),
    },
    ws: {
      on(name: string, cb: () => void) {
        (listeners[name] ??= []).push(cb);
        return () => (listeners[name] = listeners[name].filter((l) => l !== cb));
      },
    },
  } as unknown as StagentClient;
  const emit = (name: string) => listeners[name]?.forEach((l) => l());
  return { client, subscriptions, asked, emit };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('Assistant', () => {
  it('starts a conversation, streams its reply, resumes after a dropped socket and reads the ended reply again', async () => {
    const question = message({ id: 'm1', role: 'user', content: 'Run the scan' });
    const reply = message({ id: 'm2', role: 'assistant', status: 'STREAMING' });
    let stored = conversation([question, reply]);
    const { client, subscriptions, asked, emit } = fakeClient({
      send: () => ({ conversation: stored, message: reply, errors: [] }),
      conversation: () => stored,
    });
    const assistant = new Assistant(client, null);
    const stop = $effect.root(() => {
      $effect(() => {
        void assistant.messages;
      });
    });
    flushSync();
    expect(subscriptions).toHaveLength(0); // nothing to stream before a conversation exists

    assistant.draft = 'Run the scan';
    assistant.runtimeId = 'simulated';
    expect(await assistant.send()).toBe(true);
    expect(asked).toContain('SendAssistantMessage {"conversationId":null,"content":"Run the scan","runtimeId":"simulated"}');
    expect(assistant.draft).toBe('');
    expect(subscriptions.at(-1)?.variables).toEqual({ conversationId: 'c1', afterSeq: 0 });

    const push = (e: AssistantEvent) => subscriptions.at(-1)!.push({ assistantEvents: e });
    const waiting = toolCallFactory({ id: 't1', toolName: 'execute_workflow', workflowId: null, runId: null, stepId: null, conversationId: 'c1' });
    push(event({ kind: 'MESSAGE_STARTED' }));
    push(event({ textDelta: 'Starting ' }));
    const duplicate = event({ textDelta: 'it.' });
    push(duplicate);
    push(duplicate);
    push(event({ kind: 'TOOL_CALL', toolCall: waiting }));
    expect(assistant.messages[1]).toMatchObject({ content: 'Starting it.', status: 'WAITING_APPROVAL' });
    expect(assistant.answering).toBe(true);

    // Approved here: the card moves on at once.
    assistant.decided('m2', { ...waiting, status: 'RUNNING' });
    expect(assistant.messages[1].toolCalls[0].status).toBe('RUNNING');

    // The socket drops: the stream reopens after the last seen seq.
    const lastSeq = assistant.lastSeq;
    emit('closed');
    await flush();
    expect(subscriptions.at(-1)?.variables).toEqual({ conversationId: 'c1', afterSeq: lastSeq });

    stored = conversation([
      question,
      { ...reply, status: 'COMPLETED', content: 'Starting it. Done.', costUsd: 0.001, links: [{ label: 'Run #4', workflowId: 'w', runId: 'r' }] },
    ]);
    push(event({ kind: 'TOOL_RESULT', toolCall: { ...waiting, status: 'SUCCEEDED', output: 'ok' } }));
    push(event({ textDelta: ' Done.' }));
    push(event({ kind: 'MESSAGE_COMPLETED' }));
    await flush();
    expect(assistant.messages[1]).toMatchObject({ content: 'Starting it. Done.', status: 'COMPLETED', costUsd: 0.001 });
    expect(assistant.messages[1].links).toHaveLength(1);
    expect(assistant.messages[1].toolCalls[0].status).toBe('SUCCEEDED');
    expect(assistant.answering).toBe(false);

    stop();
    flushSync();
    expect(subscriptions.at(-1)?.unsubscribe).toHaveBeenCalled();
  });

  it('keeps refusals for the composer and the draft with them', async () => {
    const refusal = { field: ['content'], message: 'Write a message first.', code: 'INVALID_VALUE' };
    const { client } = fakeClient({ send: () => ({ conversation: null, message: null, errors: [refusal] }), conversation: () => null });
    const assistant = new Assistant(client, null);
    assistant.draft = '   ';
    expect(await assistant.send()).toBe(false);
    expect(assistant.errors).toEqual([refusal]);
    expect(assistant.draft).toBe('   ');
    expect(assistant.conversation).toBeNull();
  });

  it('remembers the open panel and its conversation for the tab', async () => {
    const values = new Map<string, string>();
    const storage = { getItem: (k: string) => values.get(k) ?? null, setItem: (k: string, v: string) => void values.set(k, v) } as Storage;
    const stored = conversation([message({ id: 'm1', content: 'Hello' })]);
    const { client } = fakeClient({ send: () => null, conversation: () => stored });
    const first = new Assistant(client, storage);
    first.show();
    await first.select('c1');
    expect(first.conversation?.id).toBe('c1');

    const again = new Assistant(client, storage);
    expect(again.open).toBe(true);
    await flush();
    expect(again.conversation?.title).toBe('Run the scan');
  });
});
