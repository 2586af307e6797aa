import { describe, expect, it } from 'vitest';
import type { StepRun } from '$lib/graphql/run';
import type { ToolCall } from '$lib/graphql/tools';
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
    inputTokens: 0,
    outputTokens: 0,
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    ...over,
  }) as StepRun;

const NOW = Date.parse('2026-12-07T10:00:30Z');
const source = (steps: StepRun[], waiting: Partial<ToolCall>[] = []) => ({
  steps: () => steps,
  waitingToolCalls: () => waiting as ToolCall[],
  now: () => NOW,
});

describe('runStepInfo', () => {
  it("shows a loop's latest iteration and the cost of all its iterations (they share a step id)", () => {
    const steps = [
      stepRun({ id: 'a', iteration: 1, costUsd: 0.1 }),
      stepRun({ id: 'b', iteration: 2, costUsd: 0.2, status: 'RUNNING', currentTool: 'mcp__files__read' }),
    ];
    const info = runStepInfo(source(steps))({ id: 'refine', name: 'Refine' });
    expect(info).toMatchObject({ status: 'RUNNING', capUsd: 1, detail: 'Iteration 2 · calling mcp__files__read' });
    expect(info.usd).toBeCloseTo(0.3);
  });

  it('follows the latest attempt of a retried step, and says when a step has not started', () => {
    const steps = [stepRun({ id: 'a', stepId: 'x', status: 'FAILED' }), stepRun({ id: 'b', stepId: 'x', attempt: 2, status: 'RUNNING' })];
    const info = runStepInfo(source(steps));
    expect(info({ id: 'x', name: 'X' })).toMatchObject({ status: 'RUNNING', detail: 'attempt 2', runtime: 'simulated', model: 'simulated-fast' });
    expect(info({ id: 'y', name: 'Y' })).toEqual({ runtime: 'Not started yet', model: 'not known yet' });
    expect(info({ id: 'x', name: 'X' }).approval).toBeNull();
    // A step run the run has not reached (PENDING, never started) claims no runtime and no usage.
    const pending = runStepInfo(source([stepRun({ stepId: 'p', status: 'PENDING', runtimeId: null, modelId: null })]))({ id: 'p', name: 'P' });
    expect(pending).toMatchObject({ status: 'PENDING', runtime: 'Not started yet', model: 'not known yet', usage: null });
    expect(info({ id: 'x', name: 'X' }).link).toBeNull();
  });

  it('links a failed step to the debug analysis and a paused one to its Resume control', () => {
    const steps = [stepRun({ id: 'a', stepId: 'f', status: 'FAILED' }), stepRun({ id: 'b', stepId: 'p', status: 'PAUSED' })];
    const info = runStepInfo(source(steps));
    expect(info({ id: 'f', name: 'F' }).link).toEqual({ href: '#debug-heading', text: 'Debug, retry' });
    expect(info({ id: 'p', name: 'P' }).link).toEqual({ href: '#resume-p', text: 'Resume' });
  });

  it("sums a step's tokens over its runs; elapsed runs with the clock while the step is under way, then is its duration", () => {
    const steps = [
      stepRun({ id: 'a', stepId: 'l', iteration: 1, inputTokens: 1000, outputTokens: 200, startedAt: '2026-12-07T10:00:00Z', durationMs: 4200 }),
      stepRun({ id: 'b', stepId: 'l', iteration: 2, inputTokens: 30, outputTokens: 10, status: 'RUNNING', startedAt: '2026-12-07T10:00:18Z' }),
    ];
    expect(runStepInfo(source(steps))({ id: 'l', name: 'L' }).usage).toBe('1,240 tokens · 12.0 s');
    steps[1] = { ...steps[1]!, status: 'COMPLETED', durationMs: 850 };
    expect(runStepInfo(source(steps))({ id: 'l', name: 'L' }).usage).toBe('1,240 tokens · 850 ms');
    // Waiting for a person is time too, even once a model turn recorded a duration.
    steps[1] = { ...steps[1]!, status: 'WAITING_APPROVAL', durationMs: 850 };
    expect(runStepInfo(source(steps))({ id: 'l', name: 'L' }).usage).toBe('1,240 tokens · 12.0 s');
  });

  it('shows tool calls waiting for approval on their node, and a gate waiting at its checkpoint', () => {
    const steps = [
      stepRun({ id: 'a', stepId: 'tools', status: 'WAITING_APPROVAL', currentTool: 'mcp__files__write_file' }),
      stepRun({ id: 'b', stepId: 'gate', status: 'WAITING_APPROVAL' }),
    ];
    const waiting = [
      { id: 'tc1', stepId: 'tools' },
      { id: 'tc2', stepId: 'tools' },
    ];
    const info = runStepInfo(source(steps, waiting));
    expect(info({ id: 'tools', name: 'T' }).approval).toEqual({ text: '2 tool calls await approval', href: '#toolcall-tc1' });
    expect(info({ id: 'gate', name: 'G' }).approval).toEqual({ text: 'Awaits approval to run', href: '#checkpoint-heading' });
  });
});
