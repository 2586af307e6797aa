import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import RunDriver from './RunDriver.svelte';

describe('RunDriver', () => {
  it('names the instance driving a running run, linked to the instances page', () => {
    render(RunDriver, { props: { status: 'RUNNING', instanceId: 'box-1:4242:k3j9x0', resumeCount: 0 } });
    expect(screen.getByText(/Driven by/)).toHaveTextContent('Driven by box-1 (pid 4242)');
    expect(screen.getByRole('link', { name: 'box-1 (pid 4242)' })).toHaveAttribute('href', '/instances');
    expect(screen.queryByText(/taken over/)).toBeNull();
  });

  it('says how often the run was taken over, also once it ended', () => {
    const { unmount } = render(RunDriver, { props: { status: 'RUNNING', instanceId: 'box-2:77:aa', resumeCount: 2 } });
    expect(screen.getByText(/Driven by/)).toHaveTextContent(/^Driven by box-2 \(pid 77\)\s*·\s*taken over 2 times$/);
    unmount();
    render(RunDriver, { props: { status: 'COMPLETED', instanceId: null, resumeCount: 1 } });
    expect(screen.getByText('taken over 1 time')).toBeInTheDocument();
    expect(screen.queryByText(/Driven by/)).toBeNull();
  });

  it('shows nothing for a run that is not running and was never taken over', () => {
    const { container } = render(RunDriver, { props: { status: 'COMPLETED', instanceId: 'box-1:1:x', resumeCount: 0 } });
    expect(container.textContent?.trim()).toBe('');
  });
});
