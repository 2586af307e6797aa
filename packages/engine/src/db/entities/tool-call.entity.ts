import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { baseProperties, p } from './base.js';

/**
 * One tool call an agent asked for: a workflow step's (workflow, run, step ids set) or the
 * assistant's (conversation id set). Kept with its input, what the model was given back, its
 * approval and timings; a call waiting for approval is a row in WAITING_APPROVAL, so it survives
 * a restart. Status changes go through `tools/tool-call-state.ts`.
 */
export const ToolCallSchema = defineEntity({
  name: 'ToolCallRow',
  tableName: 'tool_calls',
  properties: {
    ...baseProperties,
    workflowId: p.string().nullable().index(),
    runId: p.string().nullable().index(),
    /** The step definition's id. */
    stepId: p.string().nullable(),
    /** The step attempt (`step_runs.id`) whose turn asked for the call. */
    stepRunId: p.string().nullable().index(),
    taskId: p.string().nullable(),
    conversationId: p.string().nullable().index(),
    /** The model's own id for the call (the tool result answers it). */
    providerCallId: p.string(),
    /** The model turn (1-based) that asked for it. */
    turn: p.integer(),
    /** Qualified name (`mcp__files__read_text_file`) or a built-in tool's name. */
    toolName: p.string(),
    input: p.json<Record<string, unknown>>(),
    /** AUTO, ASK or DENY: what the grants said when the model asked. */
    approval: p.string(),
    status: p.string().index(),
    output: p.text().nullable(),
    error: p.text().nullable(),
    comment: p.text().nullable(),
    requestedAt: p.bigint('number'),
    resolvedAt: p.bigint('number').nullable(),
    startedAt: p.bigint('number').nullable(),
    finishedAt: p.bigint('number').nullable(),
  },
});
export type ToolCallRow = InferEntity<typeof ToolCallSchema>;
