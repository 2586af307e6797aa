import { assertNever } from '../errors.js';
import { Severity, type TimelineEntry } from './intelligence-types.js';
import type { WorkflowEventKind } from '../events/event-kind.js';
import type { WorkflowEvent } from '../events/workflow-event.js';
import { formatCount, formatUsd } from '../format/index.js';

/**
 * Severity of each event kind on a run timeline. Neutral progress is INFO (the reference painted
 * every start amber); a cost warning, a gate waiting for a person, a retried call and a
 * cancellation are WARNING.
 */
export function severityOf(kind: WorkflowEventKind): Severity {
  switch (kind) {
    case 'RUN_STARTED':
    case 'STEP_STARTED':
    case 'STEP_OUTPUT_DELTA':
    case 'TOOL_STARTED':
    case 'TOOL_FINISHED':
    case 'USAGE':
    case 'RUN_PAUSED':
    case 'STEP_DELAYED':
    case 'STEP_RESUMED':
      return Severity.INFO;
    case 'COST_WARNING':
    case 'STEP_WAITING_APPROVAL':
    case 'TOOL_APPROVAL_REQUESTED':
    case 'TOOL_APPROVAL_RESOLVED':
    case 'STEP_PAUSED':
    case 'STEP_CANCELLED':
    case 'CALL_RETRIED':
    case 'RUN_CANCELLED':
      return Severity.WARNING;
    case 'STEP_COMPLETED':
    case 'RUN_COMPLETED':
      return Severity.SUCCESS;
    case 'STEP_FAILED':
    case 'RUN_FAILED':
      return Severity.FAILURE;
    default:
      return assertNever(kind, 'WorkflowEventKind');
  }
}

/**
 * Output deltas are left off the timeline: a run streams hundreds of them and they say nothing
 * a reader of "what happened" needs; the step's output holds their text.
 */
const HIDDEN_KINDS: ReadonlySet<WorkflowEventKind> = new Set(['STEP_OUTPUT_DELTA']);

/**
 * Builds a run's timeline from its stored events, oldest first (by `seq`, the order they were
 * committed). `stepNames` maps step ids to names for readable messages.
 */
export function buildTimeline(events: readonly WorkflowEvent[], stepNames: ReadonlyMap<string, string>): TimelineEntry[] {
  return [...events]
    .filter((e) => !HIDDEN_KINDS.has(e.kind))
    .sort((a, b) => a.seq - b.seq)
    .map((e) => ({
      at: e.at,
      kind: e.kind,
      severity: severityOf(e.kind),
      stepId: e.stepId ?? null,
      message: describeEvent(e, stepNames),
    }));
}

/**
 * One line for an event: the engine's own message when it wrote one (it already names the step
 * and the numbers), else a sentence built from the event's fields.
 */
function describeEvent(e: WorkflowEvent, stepNames: ReadonlyMap<string, string>): string {
  const own = e.message?.trim();
  if (own) return own;
  const step = e.stepId ? `Step "${stepNames.get(e.stepId) ?? e.step?.name ?? e.stepId}"` : 'Step';
  switch (e.kind) {
    case 'RUN_STARTED':
      return 'Run started.';
    case 'STEP_STARTED':
      return `${step} started.`;
    case 'STEP_OUTPUT_DELTA':
      return `${step} produced output.`;
    case 'TOOL_STARTED':
      return `${step} called tool ${e.toolName ?? 'unknown'}.`;
    case 'TOOL_FINISHED':
      return `${step}: tool ${e.toolName ?? 'unknown'} returned.`;
    case 'TOOL_APPROVAL_REQUESTED':
      return `${step} waits for approval of tool ${e.toolName ?? e.toolCall?.toolName ?? 'unknown'}.`;
    case 'TOOL_APPROVAL_RESOLVED':
      return `${step}: tool ${e.toolName ?? e.toolCall?.toolName ?? 'unknown'} ${e.toolCall?.status === 'DENIED' ? 'was denied' : 'was approved'}.`;
    case 'USAGE':
      return `${step}: model call used ${formatCount(e.inputTokens ?? 0)} input and ${formatCount(e.outputTokens ?? 0)} output tokens (${formatUsd(e.costUsd ?? 0)}).`;
    case 'COST_WARNING':
      return `${step} neared its cost cap.`;
    case 'STEP_WAITING_APPROVAL':
      return `${step} waits for approval.`;
    case 'STEP_COMPLETED':
      return `${step} completed.`;
    case 'STEP_FAILED': {
      const category = e.step?.failureCategory ?? (e.data?.failureCategory as string | undefined);
      return `${step} failed${category ? ` (${category})` : ''}: ${e.step?.error ?? 'no message'}`;
    }
    case 'STEP_CANCELLED':
      return `${step} cancelled.`;
    case 'STEP_DELAYED':
      return `${step} parked the run until its resume time.`;
    case 'STEP_PAUSED':
      return `${step} paused at its cap.`;
    case 'STEP_RESUMED':
      return `${step} resumed from its journal.`;
    case 'CALL_RETRIED': {
      const attempt = typeof e.data?.attempt === 'number' ? ` (attempt ${e.data.attempt})` : '';
      return `${step}: model call retried${attempt}.`;
    }
    case 'RUN_PAUSED':
    case 'RUN_COMPLETED':
    case 'RUN_FAILED':
    case 'RUN_CANCELLED':
      return `Run ${e.kind.slice(4).toLowerCase()}.`;
    default:
      return assertNever(e.kind, 'WorkflowEventKind');
  }
}
