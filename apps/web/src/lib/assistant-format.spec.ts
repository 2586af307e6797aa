import { describe, expect, it } from 'vitest';
import { toolCallFactory } from '$test/factories/tool-call';
import { answerUsage, isDashboardPath, isOpenMessage, linkHref, toolInputSummary, upsertToolCall } from './assistant-format';
import { renderAssistantMarkdown } from './assistant-markdown';

describe('assistant-format', () => {
  it('summarises a tool input on one line, cut with an ellipsis', () => {
    expect(toolInputSummary({ id: 'wf-1', dryRun: false })).toBe('id: wf-1, dryRun: false');
    expect(toolInputSummary({ input: { name: 'Brief', steps: [1, 2] } })).toBe('input: {"name":"Brief","steps":[1,2]}');
    expect(toolInputSummary({ note: 'line one\n  line two' })).toBe('note: line one line two');
    expect(toolInputSummary({})).toBe('no input');
    expect(toolInputSummary(null)).toBe('no input');
    expect(toolInputSummary('<b>raw</b>')).toBe('<b>raw</b>');
    const long = toolInputSummary({ prompt: 'x'.repeat(200) }, 20);
    expect(long).toHaveLength(20);
    expect(long.endsWith('…')).toBe(true);
  });

  it('says what an answer cost in USD and tokens, and nothing when nothing is known', () => {
    expect(answerUsage({ costUsd: 0.0042, inputTokens: 1000, outputTokens: 234 })).toBe('$0.0042 · 1,234 tokens (1,000 in, 234 out)');
    expect(answerUsage({ costUsd: 0, inputTokens: 1, outputTokens: 0 })).toBe('$0.00 · 1 token (1 in, 0 out)');
    expect(answerUsage({ costUsd: 1.5, inputTokens: null, outputTokens: null })).toBe('$1.50');
    expect(answerUsage({ costUsd: null, inputTokens: null, outputTokens: null })).toBeNull();
  });

  it('links a run when the link names one, else its workflow', () => {
    expect(linkHref({ label: 'Run #4', workflowId: 'w 1', runId: 'r1' })).toBe('/workflows/w%201/runs/r1');
    expect(linkHref({ label: 'Brief', workflowId: 'w1', runId: null })).toBe('/workflows/w1');
  });

  it('keeps only pages of the dashboard in place', () => {
    for (const href of ['/workflows/abc', '/workflows/abc/runs/def#step', '/settings', '/workflows/new']) expect(isDashboardPath(href)).toBe(true);
    for (const href of [
      'https://example.com/workflows/a',
      '//evil.example/workflows/a',
      '/graphql',
      '/graphql?query=x',
      'javascript:alert(1)',
      '/\\evil',
      null,
    ]) {
      expect(isDashboardPath(href)).toBe(false);
    }
  });

  it('keeps the furthest view of a tool call and appends new ones', () => {
    const waiting = toolCallFactory({ id: 'a', status: 'WAITING_APPROVAL' });
    const running = { ...waiting, status: 'RUNNING' as const };
    const done = { ...waiting, status: 'SUCCEEDED' as const, output: 'ok' };
    expect(upsertToolCall([waiting], running)).toEqual([running]);
    expect(upsertToolCall([done], running)).toEqual([done]);
    const other = toolCallFactory({ id: 'b' });
    expect(upsertToolCall([done], other).map((c) => c.id)).toEqual(['a', 'b']);
  });

  it('tells an answer that may still change', () => {
    expect(isOpenMessage({ status: 'STREAMING' })).toBe(true);
    expect(isOpenMessage({ status: 'WAITING_APPROVAL' })).toBe(true);
    expect(isOpenMessage({ status: 'COMPLETED' })).toBe(false);
    expect(isOpenMessage({ status: 'FAILED' })).toBe(false);
  });
});

describe('renderAssistantMarkdown', () => {
  it('opens links to workflows and runs in place, others in a new tab, and stays sanitized', () => {
    const html = renderAssistantMarkdown(
      '[Run #4 of Brief](/workflows/w1/runs/r4) and [docs](https://example.com) <script>x()</script> <a href="javascript:x()">bad</a>',
    );
    const root = document.createElement('div');
    root.innerHTML = html;
    const [run, docs] = root.querySelectorAll('a');
    expect(run.getAttribute('href')).toBe('/workflows/w1/runs/r4');
    expect(run.hasAttribute('target')).toBe(false);
    expect(docs.getAttribute('target')).toBe('_blank');
    expect(docs.getAttribute('rel')).toContain('noopener');
    expect(root.querySelector('script')).toBeNull();
    expect(root.innerHTML).not.toContain('javascript:');
  });
});
