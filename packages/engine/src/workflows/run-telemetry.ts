import type { StepRun } from '../db/entities/step-run.entity.js';
import type { WorkflowRun } from '../db/entities/workflow-run.entity.js';
import { newSpanId, runTraceContext, type EngineTelemetry, type SpanIds } from '../observability/telemetry.js';
import type { TaskEnd } from '../tasks/task-runner.js';

/**
 * What a run and its step attempts report to the engine's telemetry (`observability/telemetry.ts`):
 * a step attempt's span is a child of its run's span, in the run's trace; both ids come from the
 * run id, so an attempt driven by another instance (a take-over, a resume) lands in the same trace.
 */

/** The span of a step attempt about to run, or null when nobody traces. */
export function stepAttemptSpan(telemetry: EngineTelemetry | undefined, runId: string): SpanIds | null {
  if (!telemetry?.tracing) return null;
  const { traceId, runSpanId } = runTraceContext(runId);
  return { traceId, spanId: newSpanId(), parentSpanId: runSpanId };
}

/** Reports a step attempt that ended or stopped to wait, with the totals on its row. */
export function reportStepEnded(
  telemetry: EngineTelemetry | undefined,
  span: SpanIds | null,
  attempt: { workflowId: string; runId: string; step: { id: string; name: string }; row: StepRun },
  end: TaskEnd,
  startedAt: number,
  endedAt: number,
): void {
  if (!telemetry) return;
  const row = attempt.row;
  telemetry.stepEnded({
    span,
    workflowId: attempt.workflowId,
    runId: attempt.runId,
    stepId: attempt.step.id,
    stepName: attempt.step.name,
    attempt: row.attempt,
    status: end.status,
    failureCategory: end.failure?.category ?? null,
    runtimeId: row.runtimeId ?? null,
    model: row.modelId ?? null,
    costUsd: row.costMicros / 1e6,
    budgetUsd: row.budgetUsd ?? null,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    cacheReadTokens: row.cacheReadTokens,
    cacheWriteTokens: row.cacheWriteTokens,
    turns: end.turns,
    startedAt,
    endedAt,
  });
}

/** Reports a run that ended (COMPLETED, FAILED or CANCELLED): the root span of its trace. */
export function reportRunEnded(
  telemetry: EngineTelemetry | undefined,
  run: Pick<WorkflowRun, 'id' | 'workflowId' | 'runNumber' | 'definition' | 'startedAt' | 'costMicros'>,
  status: 'COMPLETED' | 'FAILED' | 'CANCELLED',
  failureCategory: string | null,
  endedAt: number,
): void {
  if (!telemetry) return;
  const { traceId, runSpanId } = runTraceContext(run.id);
  telemetry.runEnded({
    span: telemetry.tracing ? { traceId, spanId: runSpanId, parentSpanId: null } : null,
    workflowId: run.workflowId,
    workflowName: run.definition.name,
    runId: run.id,
    runNumber: run.runNumber,
    pattern: run.definition.pattern,
    status,
    failureCategory,
    costUsd: run.costMicros / 1e6,
    budgetUsd: run.definition.budgetUsd ?? null,
    startedAt: run.startedAt,
    endedAt,
  });
}
