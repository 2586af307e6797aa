import { render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { StagentClient } from '$lib/graphql/client';
import type { AssistantMessage } from '$lib/graphql/assistant';
import { toolCallFactory } from '$test/factories/tool-call';
import WithAssistant from '$test/WithAssistant.svelte';
import AssistantMessageItem from './AssistantMessageItem.svelte';

const client = {
  urql: { query: () => ({ toPromise: async () => ({ data: null }) }) },
  ws: { on: () => () => {} },
} as unknown as StagentClient;

function answer(overrides: Partial<AssistantMessage>): AssistantMessage {
  return {
    id: 'm2',
    role: 'assistant',
    content: '',
    status: 'COMPLETED',
    error: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    inputTokens: 1200,
    outputTokens: 34,
    costUsd: 0.0021,
    toolCalls: [],
    links: [],
    ...overrides,
  };
}

const show = (message: AssistantMessage) => render(WithAssistant, { props: { client, component: AssistantMessageItem, props: { message } } });

describe('AssistantMessageItem', () => {
  it('shows a waiting call with Approve and Deny, tool output as text, the answer as sanitized markdown, links and usage', () => {
    const waiting = toolCallFactory({ id: 't2', toolName: 'execute_workflow', input: { id: 'wf-9' }, workflowId: null, runId: null, stepId: null });
    const listed = toolCallFactory({ id: 't1', toolName: 'list_workflows', input: {}, status: 'SUCCEEDED', output: '<b>Brief</b>', workflowId: null });
    show(
      answer({
        content: 'Started **Run #4**. <img src="https://x.example/p.png" onerror="alert(1)">',
        toolCalls: [listed, waiting],
        links: [{ label: 'Run #4 of Brief', workflowId: 'wf-9', runId: 'r4' }],
      }),
    );
    const article = screen.getByRole('article', { name: 'Answer' });
    const card = within(article).getByRole('article', { name: /execute_workflow/ });
    expect(card).toHaveTextContent('id: wf-9');
    expect(within(card).getByRole('button', { name: 'Approve the call to execute_workflow' })).toBeInTheDocument();
    expect(within(card).getByRole('button', { name: 'Deny the call to execute_workflow' })).toBeInTheDocument();
    const listedCard = within(article).getByRole('article', { name: /list_workflows/ });
    expect(listedCard.querySelectorAll('pre')[1]?.textContent).toBe('<b>Brief</b>');
    expect(listedCard.querySelector('b')).toBeNull();
    expect(article.querySelector('strong')?.textContent).toBe('Run #4');
    expect(article.querySelector('img')).toBeNull();
    const link = within(article).getByRole('link', { name: 'Run #4 of Brief' });
    expect(link).toHaveAttribute('href', '/workflows/wf-9/runs/r4');
    expect(article).toHaveTextContent('$0.0021 · 1,234 tokens (1,200 in, 34 out)');
  });

  it('says why an answer failed in an alert', () => {
    show(answer({ status: 'FAILED', error: 'The runtime anthropic is not available: no API key.', costUsd: null, inputTokens: null, outputTokens: null }));
    expect(screen.getByRole('alert')).toHaveTextContent('The answer failed. The runtime anthropic is not available: no API key.');
  });

  it('shows a person’s message as text', () => {
    show(answer({ role: 'user', content: 'Run <b>it</b>\nplease' }));
    const article = screen.getByRole('article', { name: 'Your message' });
    expect(article.querySelector('b')).toBeNull();
    expect(article).toHaveTextContent('Run <b>it</b>');
    expect(article).not.toHaveTextContent('$');
  });
});
