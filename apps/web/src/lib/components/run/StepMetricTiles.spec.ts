import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { stepRunFactory } from '$test/factories/step-run';
import StepMetricTiles from './StepMetricTiles.svelte';

describe('StepMetricTiles', () => {
  it('prints duration, money and tokens as the engine and the CLI do', () => {
    const step = stepRunFactory({
      name: 'Fetch',
      status: 'COMPLETED',
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:01:59.600Z',
      durationMs: 119_600,
      estimatedDurationMs: 59_500,
      inputTokens: 1_234_567,
      outputTokens: 980,
      costUsd: 0.0004,
      budgetUsd: 0.005,
    });
    render(StepMetricTiles, { step, rate: null, now: 0, estimateMs: null });
    const tiles = screen.getByRole('region', { name: 'Live metrics for Fetch' });
    // 119.6 s rounds to 120 s before it is split: never "1m 59s" or "1m 60s".
    expect(tiles).toHaveTextContent('Elapsed 2m 00s of ~59.5 s estimated');
    expect(tiles).toHaveTextContent('Cost $0.0004');
    expect(tiles).toHaveTextContent('Tokens 1,235,547 1,234,567 in · 980 out');
    expect(screen.getByRole('meter', { name: 'Cost of Fetch against its budget' })).toHaveAttribute('aria-valuetext', '$0.0004 spent of $0.005 budget');
  });
});
