import { fireEvent, render, screen } from '@testing-library/svelte';
import type { Client } from '@urql/core';
import { describe, expect, it, vi } from 'vitest';
import { stepRunFactory } from '$test/factories/step-run';
import WithUrqlClient from '$test/WithUrqlClient.svelte';
import ResumeStep from './ResumeStep.svelte';

/** A client whose mutations answer `payload` and record their variables. */
function clientAnswering(payload: { run: { id: string } | null; errors: unknown[] }) {
  const calls: Record<string, unknown>[] = [];
  const client = {
    mutation: (_doc: unknown, variables: Record<string, unknown>) => {
      calls.push(variables);
      return { toPromise: async () => ({ data: { resumeWorkflowStep: payload } }) };
    },
  } as unknown as Client;
  return { client, calls };
}

const paused = stepRunFactory({ stepId: 'publish', name: 'Publish', status: 'PAUSED', turns: 1, costUsd: 0.0003, budgetUsd: 0.0002 });

describe('ResumeStep', () => {
  it('shows spent against the cap, prefills double the cap and resumes with the cap typed', async () => {
    const { client, calls } = clientAnswering({ run: { id: 'run-1' }, errors: [] });
    const onResumed = vi.fn();
    render(WithUrqlClient, { props: { client, component: ResumeStep, props: { workflowId: 'wf-1', step: paused, onResumed } } });
    expect(screen.getByText(/stopped after turn 1: spent \$0\.0003 of its \$0\.0002 cap/)).toBeInTheDocument();
    const cap = screen.getByLabelText('New cap for Publish (USD)') as HTMLInputElement;
    expect(cap.value).toBe('0.0004');
    await fireEvent.input(cap, { target: { value: '1' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Resume (Publish)' }));
    await vi.waitFor(() => expect(onResumed).toHaveBeenCalled());
    expect(calls).toEqual([{ workflowId: 'wf-1', stepId: 'publish', budgetUsd: 1 }]);
  });

  it("puts the server's OUT_OF_RANGE on the cap field, and refuses a cap that is no number before sending", async () => {
    const { client, calls } = clientAnswering({
      run: null,
      errors: [{ field: ['budgetUsd'], code: 'OUT_OF_RANGE', message: 'Step "Publish" has spent $0.0003; give a cap above that.' }],
    });
    render(WithUrqlClient, { props: { client, component: ResumeStep, props: { workflowId: 'wf-1', step: paused } } });
    const cap = screen.getByLabelText('New cap for Publish (USD)');
    await fireEvent.input(cap, { target: { value: 'lots' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Resume (Publish)' }));
    expect(cap).toHaveAttribute('aria-invalid', 'true');
    expect(calls).toEqual([]);
    await fireEvent.input(cap, { target: { value: '0.0001' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Resume (Publish)' }));
    await vi.waitFor(() => expect(cap).toHaveAccessibleDescription(/has spent \$0\.0003; give a cap above that/));
    expect(calls).toHaveLength(1);
  });

  it('offers a failed step a resume from the turn after its last', () => {
    const { client } = clientAnswering({ run: { id: 'run-1' }, errors: [] });
    const failed = { ...paused, status: 'FAILED' as const, turns: 3 };
    render(WithUrqlClient, { props: { client, component: ResumeStep, props: { workflowId: 'wf-1', step: failed } } });
    expect(screen.getByRole('button', { name: 'Resume from turn 4 (Publish)' })).toBeInTheDocument();
  });
});
