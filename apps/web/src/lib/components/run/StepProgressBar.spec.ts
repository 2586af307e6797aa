import { render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { stepRunFactory } from '$test/factories/step-run';
import StepProgressBar from './StepProgressBar.svelte';

describe('StepProgressBar', () => {
  it('numbers steps and names each phase', () => {
    const steps = [
      stepRunFactory({ name: 'Research', status: 'COMPLETED' }),
      stepRunFactory({ name: 'Draft', status: 'RUNNING' }),
      stepRunFactory({ name: 'Review', status: 'FAILED' }),
      stepRunFactory({ name: 'Publish', status: 'PENDING' }),
    ];
    render(StepProgressBar, { steps });
    const list = screen.getByRole('list', { name: 'Step progress' });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(4);
    expect(items[0]).toHaveTextContent('Step 1: completed');
    expect(items[1]).toHaveTextContent('Step 2: running');
    expect(items[1]).toHaveAttribute('aria-current', 'step');
    expect(items[2]).toHaveTextContent('Step 3: failed');
    expect(items[3]).toHaveTextContent('Step 4: waiting');
    expect(screen.getByText('1 of 4 steps completed')).toBeInTheDocument();
  });

  it('treats approval and delay as waiting', () => {
    render(StepProgressBar, { steps: [stepRunFactory({ status: 'WAITING_APPROVAL' }), stepRunFactory({ status: 'DELAYED' })] });
    const items = screen.getAllByRole('listitem');
    expect(items[0]).toHaveTextContent('waiting (awaiting approval)');
    expect(items[1]).toHaveTextContent('Step 2: waiting');
  });

  it('names a step a cap paused', () => {
    render(StepProgressBar, { steps: [stepRunFactory({ status: 'COMPLETED' }), stepRunFactory({ status: 'PAUSED' })] });
    expect(screen.getAllByRole('listitem')[1]).toHaveTextContent('Step 2: paused');
  });

  it('does not count skipped steps as completed', () => {
    render(StepProgressBar, { steps: [stepRunFactory({ status: 'FAILED' }), stepRunFactory({ status: 'SKIPPED' }), stepRunFactory({ status: 'SKIPPED' })] });
    const items = screen.getAllByRole('listitem');
    expect(items[1]).toHaveTextContent('Step 2: skipped');
    expect(screen.getByText('0 of 3 steps completed, 2 skipped')).toBeInTheDocument();
  });

  it('says "step" for a one-step run', () => {
    render(StepProgressBar, { steps: [stepRunFactory({ status: 'RUNNING' })] });
    expect(screen.getByText('0 of 1 step completed')).toBeInTheDocument();
  });

  it('renders nothing without steps', () => {
    render(StepProgressBar, { steps: [] });
    expect(screen.queryByRole('list')).toBeNull();
  });

  it('shows every iteration of a loop, whose step runs share one step id', () => {
    const steps = [1, 2, 3].map((i) => stepRunFactory({ stepId: 'polish', name: 'Polish', status: i < 3 ? 'COMPLETED' : 'RUNNING' }));
    render(StepProgressBar, { steps });
    expect(screen.getAllByRole('listitem')).toHaveLength(3);
    expect(screen.getByText('2 of 3 steps completed')).toBeInTheDocument();
  });
});
