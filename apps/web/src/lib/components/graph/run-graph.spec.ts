import { describe, expect, it } from 'vitest';
import type { StepRun } from '$lib/graphql/run';
import { runStepInfo } from './run-graph';

const stepRun = (over: Partial<StepRun>): StepRun =>
  ({
    id: 'sr',
    stepId: 'refine',
    iteration: 0,
    attempt: 1,
    status: 'COMPLETED',
    runtimeId: 'simulated',
    modelId: 'simulated-fast',
    costUsd: 0,
    budgetUsd: 1,
    currentTool: null,
    ...over,
  }) as StepRun;

describe('runStepInfo', () => {
  it("shows a loop's latest iteration and the cost of all its iterations (they share a step id)", () => {
    const steps = [
      stepRun({ id: 'a', iteration: 1, costUsd: 0.1 }),
      stepRun({ id: 'b', iteration: 2, costUsd: 0.2, status: 'RUNNING', currentTool: 'mcp__files__read' }),
    ];
    const info = runStepInfo(() => steps)({ id: 'refine', name: 'Refine' });
    expect(info).toMatchObject({ status: 'RUNNING', capUsd: 1, detail: 'Iteration 2 · calling mcp__files__read' });
    expect(info.usd).toBeCloseTo(0.3);
  });

  it('follows the latest attempt of a retried step, and says when a step has not started', () => {
    const steps = [stepRun({ id: 'a', stepId: 'x', status: 'FAILED' }), stepRun({ id: 'b', stepId: 'x', attempt: 2, status: 'RUNNING' })];
    const info = runStepInfo(() => steps);
    expect(info({ id: 'x', name: 'X' })).toMatchObject({ status: 'RUNNING', detail: 'attempt 2', runtime: 'simulated', model: 'simulated-fast' });
    expect(info({ id: 'y', name: 'Y' })).toEqual({ runtime: 'Not started yet', model: 'not known yet' });
    expect(info({ id: 'x', name: 'X' }).link).toBeNull();
  });

  it('links a failed step to the debug analysis and a paused one to its Resume control', () => {
    const steps = [stepRun({ id: 'a', stepId: 'f', status: 'FAILED' }), stepRun({ id: 'b', stepId: 'p', status: 'PAUSED' })];
    const info = runStepInfo(() => steps);
    expect(info({ id: 'f', name: 'F' }).link).toEqual({ href: '#debug-heading', text: 'Debug, retry' });
    expect(info({ id: 'p', name: 'P' }).link).toEqual({ href: '#resume-p', text: 'Resume' });
  });
});
