import type { ToolCallRow } from '../db/entities/tool-call.entity.js';
import type { ToolCallStatus } from './tool-call-state.js';
import type { ToolApproval } from './tool-grants.js';

/** A tool call as the API and events show it (contract `ToolCall`). Times are epoch ms. */
export interface ToolCallView {
  id: string;
  workflowId: string | null;
  runId: string | null;
  stepId: string | null;
  conversationId: string | null;
  /** Qualified name (`mcp__files__read_text_file`) or a built-in tool's name. */
  toolName: string;
  input: Record<string, unknown>;
  status: ToolCallStatus;
  /** What the model was given back, as cut for the model. */
  output: string | null;
  error: string | null;
  /** What the grants said when the model asked. */
  approval: ToolApproval;
  /** The model turn (1-based) that asked for it. */
  turn: number;
  requestedAt: number;
  resolvedAt: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  comment: string | null;
}

export function toToolCallView(row: ToolCallRow): ToolCallView {
  return {
    id: row.id,
    workflowId: row.workflowId ?? null,
    runId: row.runId ?? null,
    stepId: row.stepId ?? null,
    conversationId: row.conversationId ?? null,
    toolName: row.toolName,
    input: row.input,
    status: row.status as ToolCallStatus,
    output: row.output ?? null,
    error: row.error ?? null,
    approval: row.approval as ToolApproval,
    turn: row.turn,
    requestedAt: row.requestedAt,
    resolvedAt: row.resolvedAt ?? null,
    startedAt: row.startedAt ?? null,
    finishedAt: row.finishedAt ?? null,
    comment: row.comment ?? null,
  };
}
