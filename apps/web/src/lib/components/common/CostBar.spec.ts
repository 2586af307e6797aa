import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import CostBar from './CostBar.svelte';

describe('CostBar', () => {
  it('shows spend against the cap as a meter', () => {
    render(CostBar, { label: 'Cost of Research', value: 0.25, cap: 1 });
    const meter = screen.getByRole('meter', { name: 'Cost of Research' });
    expect(meter).toHaveAttribute('aria-valuenow', '0.25');
    expect(meter).toHaveAttribute('aria-valuemax', '1');
    expect(meter).toHaveAttribute('aria-valuetext', '$0.25 spent of $1.00 budget');
    expect(meter.firstElementChild).toHaveStyle({ width: '25%' });
  });

  it('clamps and flags a spend over the cap', () => {
    render(CostBar, { label: 'Cost', value: 0.0003, cap: 0.0001 });
    const meter = screen.getByRole('meter', { name: 'Cost' });
    expect(meter).toHaveAttribute('aria-valuetext', '$0.0003 spent of $0.0001 budget (over budget)');
    expect(meter.firstElementChild).toHaveStyle({ width: '100%' });
    expect(screen.getByText(/over budget/)).toBeInTheDocument();
  });

  it('labels estimates as estimates', () => {
    render(CostBar, { label: 'Step 1 estimate', value: 0.5, cap: 2, kind: 'estimate' });
    expect(screen.getByText('$0.50 estimated of $2.00 budget')).toBeInTheDocument();
  });
});
