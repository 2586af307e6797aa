import type { Run, WorkflowEvent } from '$lib/graphql/run';
import { stepRunFactory } from './step-run';

/** A WorkflowEvent of the given kind for run `run-1` of workflow `wf-1`. */
export function workflowEventFactory(overrides: Partial<WorkflowEvent> & Pick<WorkflowEvent, 'seq' | 'kind'>): WorkflowEvent {
  return {
    at: new Date(1_700_000_000_000 + overrides.seq * 1000).toISOString(),
    workflowId: 'wf-1',
    runId: 'run-1',
    stepId: null,
    message: null,
    outputDelta: null,
    toolName: null,
    inputTokens: null,
    outputTokens: null,
    costUsd: null,
    step: null,
    toolCall: null,
    ...overrides,
  };
}

/** A running run with the given steps. */
export function runFactory(overrides: Partial<Run> = {}): Run {
  return {
    id: 'run-1',
    runNumber: 1,
    status: 'RUNNING',
    startedAt: new Date(1_700_000_000_000).toISOString(),
    finishedAt: null,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    reusedUsd: 0,
    resumeAt: null,
    instanceId: null,
    resumeCount: 0,
    failureCategory: null,
    error: null,
    costEstimate: null,
    steps: [stepRunFactory({ stepId: 'a', name: 'Research' }), stepRunFactory({ stepId: 'b', name: 'Draft' })],
    ...overrides,
  };
}
