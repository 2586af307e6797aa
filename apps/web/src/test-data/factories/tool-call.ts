import type { ToolCall } from '$lib/graphql/tools';

let n = 0;

/** A call of step `a` in run `run-1` of workflow `wf-1` that waits for approval. */
export function toolCallFactory(overrides: Partial<ToolCall> = {}): ToolCall {
  n += 1;
  return {
    id: `call-${n}`,
    workflowId: 'wf-1',
    runId: 'run-1',
    stepId: 'a',
    conversationId: null,
    toolName: 'mcp__files__read_text_file',
    input: { path: '/tmp/notes.txt' },
    status: 'WAITING_APPROVAL',
    approval: 'ASK',
    turn: 1,
    output: null,
    error: null,
    requestedAt: new Date(1_700_000_000_000 + n * 1000).toISOString(),
    resolvedAt: null,
    startedAt: null,
    finishedAt: null,
    comment: null,
    ...overrides,
  };
}
