import { createHash, randomBytes } from 'node:crypto';

/**
 * What the engine tells the outside world about its work, for traces and metrics (issue #18).
 * The engine calls these hooks where the work happens (a model call's usage, a tool call's end,
 * a step attempt's end, a run's end); the API wires them to OpenTelemetry (spans) and to
 * Prometheus (counters). Every record arrives once, on the instance that did the work, after it
 * was recorded, with its start and end times, so a consumer never holds state between calls.
 *
 * Trace context: a run's spans form one trace whose id comes from the run id
 * ({@link runTraceContext}), so every instance that drives part of the run (a take-over, a
 * resume after an approval) puts its spans in the same trace without storing anything, and the
 * run's own span, emitted by whichever instance ends the run, has an id every instance can name as
 * the parent. Ids are only made when `tracing` is on.
 */
export interface EngineTelemetry {
  /** Whether spans are wanted: when false, the engine makes no span ids (no cost per step). */
  readonly tracing: boolean;
  modelCall(call: ModelCallRecord): void;
  toolCall(call: ToolCallRecord): void;
  stepEnded(step: StepRecord): void;
  runEnded(run: RunRecord): void;
  /** A task that belongs to no run ended (an assistant answer, a schedule's prompt): the root of its trace. */
  taskEnded(task: TaskRecord): void;
}

/** Where a record sits in its trace; null when tracing is off. */
export interface SpanIds {
  /** 32 lowercase hex characters. */
  traceId: string;
  /** 16 lowercase hex characters. */
  spanId: string;
  /** The parent span's id (16 hex), or null for a trace's root. */
  parentSpanId: string | null;
}

/** Which work a task did: a workflow step, a schedule's prompt, an assistant answer. */
export type TelemetryTaskKind = 'STEP' | 'SCHEDULE' | 'ASSISTANT';

/** One model call (one turn), with its usage as the ledger recorded it. Times are epoch ms. */
export interface ModelCallRecord {
  span: SpanIds | null;
  taskKind: TelemetryTaskKind;
  taskId: string;
  workflowId: string | null;
  runId: string | null;
  stepId: string | null;
  runtimeId: string;
  /** The provider name for `gen_ai.provider.name` (anthropic, openai, ollama, stagent.simulated). */
  provider: string;
  model: string;
  /** 1-based turn of the task. */
  turn: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** The ledger row's cost, USD; null when the model has no known price. */
  costUsd: number | null;
  /** The task's cost cap, USD. */
  budgetUsd: number;
  startedAt: number;
  endedAt: number;
}

/** One tool call that ran or was refused. Times are epoch ms. */
export interface ToolCallRecord {
  span: SpanIds | null;
  taskKind: TelemetryTaskKind;
  taskId: string;
  workflowId: string | null;
  runId: string | null;
  stepId: string | null;
  /** The model's own id for the call (`gen_ai.tool.call.id`). */
  toolCallId: string;
  toolName: string;
  /** SUCCEEDED, FAILED, TIMED_OUT, DENIED or CANCELLED. */
  status: string;
  startedAt: number;
  endedAt: number;
}

/** One step attempt that ended (or stopped to wait). Times are epoch ms. */
export interface StepRecord {
  span: SpanIds | null;
  workflowId: string;
  runId: string;
  stepId: string;
  stepName: string;
  attempt: number;
  /** COMPLETED, FAILED, CANCELLED, PAUSED or WAITING_APPROVAL. */
  status: string;
  failureCategory: string | null;
  runtimeId: string | null;
  model: string | null;
  costUsd: number;
  budgetUsd: number | null;
  /** Uncached input tokens of the attempt's model calls. */
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  turns: number;
  startedAt: number;
  endedAt: number;
}

/** One task outside any run (an assistant answer, a schedule's prompt) that ended. Times are epoch ms. */
export interface TaskRecord {
  /** The root of the task's trace (its model calls are its children); null when tracing is off. */
  span: SpanIds | null;
  taskKind: Exclude<TelemetryTaskKind, 'STEP'>;
  taskId: string;
  runtimeId: string;
  model: string;
  /** COMPLETED, FAILED, CANCELLED or WAITING_APPROVAL. */
  status: string;
  failureCategory: string | null;
  costUsd: number;
  budgetUsd: number;
  inputTokens: number;
  outputTokens: number;
  turns: number;
  startedAt: number;
  endedAt: number;
}

/** One run that ended. Times are epoch ms. */
export interface RunRecord {
  span: SpanIds | null;
  workflowId: string;
  workflowName: string;
  runId: string;
  runNumber: number;
  pattern: string;
  /** COMPLETED, FAILED or CANCELLED. */
  status: string;
  failureCategory: string | null;
  costUsd: number;
  budgetUsd: number | null;
  startedAt: number;
  endedAt: number;
}

/** Telemetry that records nothing (the default). */
export const noTelemetry: EngineTelemetry = {
  tracing: false,
  modelCall() {},
  toolCall() {},
  stepEnded() {},
  runEnded() {},
  taskEnded() {},
};

/** Several consumers as one (traces and metrics); tracing when any of them traces. */
export function combineTelemetry(...consumers: EngineTelemetry[]): EngineTelemetry {
  return {
    tracing: consumers.some((c) => c.tracing),
    modelCall: (r) => consumers.forEach((c) => c.modelCall(r)),
    toolCall: (r) => consumers.forEach((c) => c.toolCall(r)),
    stepEnded: (r) => consumers.forEach((c) => c.stepEnded(r)),
    runEnded: (r) => consumers.forEach((c) => c.runEnded(r)),
    taskEnded: (r) => consumers.forEach((c) => c.taskEnded(r)),
  };
}

function digestHex(text: string, chars: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, chars);
}

/** A run's trace id and the id of its own (root) span, the same on every instance. */
export function runTraceContext(runId: string): { traceId: string; runSpanId: string } {
  return { traceId: digestHex(`stagent-trace:${runId}`, 32), runSpanId: digestHex(`stagent-run:${runId}`, 16) };
}

/** A task's own trace when it belongs to no run (a schedule's prompt, an assistant answer): from the task id. */
export function taskTraceId(taskId: string): string {
  return digestHex(`stagent-trace:${taskId}`, 32);
}

/** A fresh span id (16 hex). */
export function newSpanId(): string {
  return randomBytes(8).toString('hex');
}

/** `gen_ai.provider.name` of a runtime: the provider whose model it calls. */
export function genAiProvider(runtimeId: string): string {
  switch (runtimeId) {
    case 'anthropic-direct':
    case 'claude-code':
      return 'anthropic';
    case 'openai-direct':
    case 'openai-codex-app-server':
      return 'openai';
    case 'ollama':
      return 'ollama';
    default:
      return `stagent.${runtimeId}`;
  }
}
