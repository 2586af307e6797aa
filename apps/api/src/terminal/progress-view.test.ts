import type { StepRunView, WorkflowRunView } from '@stagent/engine';
import { describe, expect, it } from 'vitest';
import { runSummary, stepLine } from './progress-view.js';

const step: StepRunView = {
  id: 's1',
  runId: 'r1',
  stepId: 'fetch',
  stepIndex: 0,
  name: 'Fetch',
  status: 'COMPLETED',
  attempt: 1,
  iteration: 0,
  taskId: 't1',
  output: 'ok',
  error: null,
  failureCategory: null,
  evidence: null,
  runtimeId: 'simulated',
  modelId: 'sim',
  startedAt: 0,
  finishedAt: 119_600,
  durationMs: 119_600,
  elapsedMs: 119_600,
  estimatedDurationMs: 59_500,
  inputTokens: 1_234_567,
  outputTokens: 980,
  costUsd: 0.0004,
  budgetUsd: 0.005,
  turns: 1,
  currentTool: null,
  tokensPerSecond: null,
  resumeAt: null,
  documentCount: 0,
  pricingKnown: true,
  turnsReused: 0,
  reusedUsd: 0,
};

const run: WorkflowRunView = {
  id: 'r1',
  workflowId: 'w1',
  runNumber: 3,
  status: 'COMPLETED',
  startedAt: 1_000,
  finishedAt: 1_000 + 3_599_500,
  steps: [step],
  inputTokens: 1_234_567,
  outputTokens: 980,
  costUsd: 1_234_567.89,
  costEstimate: null,
  failureCategory: null,
  error: null,
  pricingKnown: true,
  resumeAt: null,
  reusedUsd: 0,
  instanceId: null,
  resumeCount: 0,
};

describe('terminal progress', () => {
  it('prints a step with the shared formats: whole units after rounding, sub-cent amounts kept', () => {
    expect(stepLine(step, 200_000, 5)).toBe('✓ Fetch  COMPLETED         1,234,567 in / 980 out tok  $0.0004 / $0.005      2m 00s (est. 59.5 s)');
  });

  it('summarises a run with the shared formats', () => {
    expect(runSummary(run, 0.004).split('\n')).toEqual([
      'Run #3 COMPLETED in 1h 00m',
      '  tokens: 1,234,567 in / 980 out',
      '  cost:   $1,234,567.89 (estimated $0.004)',
    ]);
  });
});
