import { render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import MarkdownOutput from './MarkdownOutput.svelte';

describe('MarkdownOutput', () => {
  afterEach(() => {
    delete (globalThis as Record<string, unknown>).__pwned;
  });

  it('renders markdown structure', () => {
    render(MarkdownOutput, { source: '### Findings\n\n- **one**\n- two', label: 'Output of Research' });
    const region = screen.getByRole('region', { name: 'Output of Research' });
    expect(screen.getByRole('heading', { level: 3, name: 'Findings' })).toBeInTheDocument();
    expect(region.querySelectorAll('li')).toHaveLength(2);
    expect(region.querySelector('strong')?.textContent).toBe('one');
  });

  it('renders <script> and <img onerror> inert', () => {
    const alert = vi.fn();
    (globalThis as Record<string, unknown>).__pwned = alert;
    const hostile = [
      'Result <script>globalThis.__pwned("script")</script>',
      '<img src="x" onerror="globalThis.__pwned(\'img\')">',
      '<a href="javascript:globalThis.__pwned(\'link\')">click</a>',
      '<div onclick="globalThis.__pwned(\'div\')" style="position:fixed">x</div>',
      '<iframe src="https://example.com"></iframe>',
    ].join('\n\n');
    render(MarkdownOutput, { source: hostile, label: 'Output' });
    const region = screen.getByRole('region', { name: 'Output' });

    expect(region.querySelector('script')).toBeNull();
    expect(region.querySelector('img')).toBeNull();
    expect(region.querySelector('iframe')).toBeNull();
    expect(region.innerHTML).not.toMatch(/onerror|onclick|javascript:|style=/i);
    const link = screen.getByText('click');
    expect(link.getAttribute('href')).toBeNull();
    expect(screen.getByText(/Result/)).toBeInTheDocument();
    expect(alert).not.toHaveBeenCalled();
  });

  it('opens links in a new tab without the opener', () => {
    render(MarkdownOutput, { source: '[docs](https://example.com/docs)', label: 'Output' });
    const link = screen.getByRole('link', { name: 'docs' });
    expect(link).toHaveAttribute('target', '_blank');
    expect(link.getAttribute('rel')).toContain('noopener');
  });
});
