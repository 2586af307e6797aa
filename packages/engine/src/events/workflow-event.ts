import type { WorkflowEventKind } from './event-kind.js';
import type { StepRunView } from '../workflows/read-models.js';
import type { ToolCallView } from '../tools/tool-call-view.js';

/** Fields an event may carry besides its ids. Tokens are counts, cost is USD. */
export interface EventPayload {
  message?: string;
  outputDelta?: string;
  toolName?: string;
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
  /** The step's state after this event, when the event concerns a step. */
  step?: StepRunView;
  /** The call, on every TOOL_* event (as it stands after the event). */
  toolCall?: ToolCallView;
  /** Extra structured data (retry attempt, failure category, estimate...). */
  data?: Record<string, unknown>;
}

/** A stored workflow event (contract `WorkflowEvent`). */
export interface WorkflowEvent extends EventPayload {
  /** Strictly increasing per workflow. */
  seq: number;
  /** Epoch ms. */
  at: number;
  kind: WorkflowEventKind;
  workflowId: string;
  runId: string;
  stepId?: string | null;
  taskId?: string | null;
}

/** An event before it has a sequence number. */
export interface PendingEvent extends EventPayload {
  kind: WorkflowEventKind;
  workflowId: string;
  runId: string;
  stepId?: string | null;
  taskId?: string | null;
}
