import { insertRows, updateRows } from '../db/direct-sql.js';
import { TaskSchema } from '../db/entities/task.entity.js';
import { UsageLedgerSchema } from '../db/entities/usage-ledger.entity.js';
import type { FailureEvidence } from '../db/entities/step-run.entity.js';
import { inSqlTransaction, type SqlUnitOfWork } from '../db/unit-of-work.js';
import { newId } from '../ids.js';
import type { EngineResources } from '../resources.js';
import { checkCaps, type TaskCaps } from '../budget/cap-check.js';
import { failure } from '../runtimes/error-classification.js';
import type { ClassifiedFailure } from '../runtimes/failure-category.js';
import { costMicros } from '../runtimes/pricing.js';
import type { ModelCallUsage, RuntimeHooks, ToolCallRequest, ToolOutcomeStatus, UsageVerdict } from '../runtimes/runtime.js';
import { genAiProvider, newSpanId, type TelemetryTaskKind } from '../observability/telemetry.js';

/** Streamed output is coalesced to at most one write per task per this interval, ms (about ten a second). */
export const DELTA_FLUSH_MS = 100;

/** A task's running spend. A step passes its `step_runs` row object, so its live view carries the same figures. */
export interface SpendTotals {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costMicros: number;
  pricingKnown: boolean;
}

/** Fresh totals of a task that has made no model call. */
export function zeroSpend(): SpendTotals {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costMicros: 0, pricingKnown: true };
}

/** Tokens and cost of model calls whose writes did not commit. */
export interface UnrecordedUsage {
  inputTokens: number;
  outputTokens: number;
  costMicros: number;
}

/** Who a task's ledger rows belong to. */
export interface TaskLedgerIds {
  taskId: string;
  runtimeId: string;
  workflowId: string | null;
  runId: string | null;
  stepId: string | null;
}

/** What a task's model and tool calls are reported as (`EngineTelemetry`): its kind, cap and place in a trace. */
export interface TaskObservation {
  kind: TelemetryTaskKind;
  budgetUsd: number;
  /** The trace the task's calls belong to and their parent span (a step attempt's); null when tracing is off. */
  trace: { traceId: string; parentSpanId: string | null } | null;
}

/** Work queued for the next write transaction. */
interface QueuedWrite {
  work: (uow: SqlUnitOfWork) => Promise<void>;
  resolve: () => void;
  /** The model call this write records, if any (counted as unrecorded when the write fails). */
  usage?: UnrecordedUsage;
}

/**
 * The runtime hooks of every task (a step attempt, a schedule firing): counts turns and output,
 * writes one ledger row per model call and the task's running totals in one transaction, and
 * decides in that transaction whether a cap stops the task. Writes run in the order the
 * runtime reported them; writes queued in the same tick share one transaction. A write that
 * fails is never dropped silently: it sets {@link writeFailure}, which stops the runtime at its
 * next usage report and ends the task FAILED (UNKNOWN). A step extends this with its live row
 * and events (workflows/live-step-tracker.ts).
 */
export class TaskTracker implements RuntimeHooks {
  private writes: Promise<unknown> = Promise.resolve();
  private batch: QueuedWrite[] = [];
  private draining = false;
  turns = 0;
  output = '';
  retries = 0;
  /** The last tool call that failed, for TOOL_ERROR evidence. */
  lastToolFailure: { toolName: string; toolError: string } | null = null;
  /** Evidence of the cap that stopped the task, if one did. */
  lastEvidence: FailureEvidence = {};
  /** Set when a write transaction rolled back: the task must end FAILED with this failure. */
  writeFailure: ClassifiedFailure | null = null;
  /** Model calls whose ledger rows were lost with a failed write; the task's finish accounts for them. */
  readonly unrecorded: UnrecordedUsage = { inputTokens: 0, outputTokens: 0, costMicros: 0 };
  /** Set by the task runner: how calls are reported to the engine's telemetry (none without it). */
  observation: TaskObservation | null = null;
  private turnStartedAt = 0;
  /** The span of the model call being made (tool calls it asks for are its children). */
  private turnSpanId: string | null = null;
  private readonly toolStartedAt = new Map<string, number>();
  /** Streamed text not yet given to {@link outputFlushed}. */
  private pendingOutput = '';
  private lastOutputFlush = 0;
  private outputFlushTimer: NodeJS.Timeout | null = null;

  constructor(
    protected readonly resources: EngineResources,
    protected readonly ids: TaskLedgerIds,
    protected readonly caps: TaskCaps,
    readonly totals: SpendTotals,
  ) {}

  onTurnStart(turn: number): void {
    this.turns = turn;
    this.turnStartedAt = this.resources.clock.now();
    if (this.observation?.trace) this.turnSpanId = newSpanId();
  }

  /**
   * Keeps the text; an owner that streams it ({@link outputFlushed}) gets it coalesced, at most
   * once per {@link DELTA_FLUSH_MS} and always before a tool call, a usage report or the end.
   */
  onOutputDelta(text: string): void {
    if (!text) return;
    this.output += text;
    if (!this.outputFlushed) return;
    this.pendingOutput += text;
    if (this.resources.clock.now() - this.lastOutputFlush >= DELTA_FLUSH_MS) this.flushOutput();
    else if (!this.outputFlushTimer) {
      this.outputFlushTimer = setTimeout(() => this.flushOutput(), DELTA_FLUSH_MS);
      this.outputFlushTimer.unref?.();
    }
  }

  onToolStart(call: ToolCallRequest): void {
    // The text streamed before a tool call is written before it.
    this.flushOutput();
    if (this.observation) this.toolStartedAt.set(call.id, this.resources.clock.now());
  }

  /** Keeps the last failed call: a task that ends TOOL_ERROR names it as evidence. */
  onToolFinish(call: ToolCallRequest, result: string, status: ToolOutcomeStatus): void {
    if (status === 'FAILED' || status === 'TIMED_OUT') this.lastToolFailure = { toolName: call.name, toolError: result.slice(0, 2000) };
    const observed = this.observation;
    const telemetry = this.resources.telemetry;
    if (!observed || !telemetry) return;
    const now = this.resources.clock.now();
    const trace = observed.trace;
    telemetry.toolCall({
      // A call approved while its task waited runs before this task's first model call: its parent is the task's own.
      span: trace ? { traceId: trace.traceId, spanId: newSpanId(), parentSpanId: this.turnSpanId ?? trace.parentSpanId } : null,
      taskKind: observed.kind,
      taskId: this.ids.taskId,
      workflowId: this.ids.workflowId,
      runId: this.ids.runId,
      stepId: this.ids.stepId,
      toolCallId: call.id,
      toolName: call.name,
      status,
      startedAt: this.toolStartedAt.get(call.id) ?? now,
      endedAt: now,
    });
    this.toolStartedAt.delete(call.id);
  }

  onRetry(info: { attempt: number; delayMs: number; failure: ClassifiedFailure }): void {
    this.retries = info.attempt;
  }

  async onUsage(usage: ModelCallUsage): Promise<UsageVerdict> {
    // The text streamed before this call's usage is written first.
    this.flushOutput();
    const micros = costMicros(usage);
    const s = this.totals;
    s.inputTokens += usage.inputTokens;
    s.outputTokens += usage.outputTokens;
    s.cacheReadTokens += usage.cacheReadTokens ?? 0;
    s.cacheWriteTokens += usage.cacheWriteTokens ?? 0;
    s.costMicros += micros ?? 0;
    if (micros === null) s.pricingKnown = false;
    const spentUsd = s.costMicros / 1_000_000;
    const more = this.usageReported(usage, micros, spentUsd);
    let verdict: UsageVerdict = { stop: false };
    await this.enqueue(
      async (uow) => {
        const now = this.resources.clock.now();
        await insertRows(uow.sql, UsageLedgerSchema, [
          {
            id: newId(),
            createdAt: now,
            taskId: this.ids.taskId,
            workflowId: this.ids.workflowId,
            runId: this.ids.runId,
            stepId: this.ids.stepId,
            runtimeId: this.ids.runtimeId,
            modelId: usage.model,
            inputTokens: usage.inputTokens,
            outputTokens: usage.outputTokens,
            cacheReadTokens: usage.cacheReadTokens ?? 0,
            cacheWriteTokens: usage.cacheWriteTokens ?? 0,
            costMicros: micros ?? 0,
            status: micros === null ? 'unknown_pricing' : 'ok',
          },
        ]);
        await updateRows(
          uow.sql,
          TaskSchema,
          { id: this.ids.taskId },
          {
            inputTokens: s.inputTokens,
            outputTokens: s.outputTokens,
            cacheReadTokens: s.cacheReadTokens,
            cacheWriteTokens: s.cacheWriteTokens,
            costMicros: s.costMicros,
            turns: this.turns,
          },
        );
        await more(uow, now);
        verdict = await this.capVerdict(uow, spentUsd, now);
      },
      { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, costMicros: micros ?? 0 },
    );
    // The ledger row and the cap check did not commit: the task cannot go on unaccounted.
    if (this.writeFailure) return { stop: true, failure: this.writeFailure };
    this.reportModelCall(usage, micros);
    return verdict;
  }

  /** Tells the engine's telemetry about a model call whose ledger row committed. */
  private reportModelCall(usage: ModelCallUsage, micros: number | null): void {
    const observed = this.observation;
    const telemetry = this.resources.telemetry;
    if (!observed || !telemetry) return;
    const trace = observed.trace;
    telemetry.modelCall({
      span: trace && this.turnSpanId ? { traceId: trace.traceId, spanId: this.turnSpanId, parentSpanId: trace.parentSpanId } : null,
      taskKind: observed.kind,
      taskId: this.ids.taskId,
      workflowId: this.ids.workflowId,
      runId: this.ids.runId,
      stepId: this.ids.stepId,
      runtimeId: this.ids.runtimeId,
      provider: genAiProvider(this.ids.runtimeId),
      model: usage.model,
      turn: this.turns,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      cacheReadTokens: usage.cacheReadTokens ?? 0,
      cacheWriteTokens: usage.cacheWriteTokens ?? 0,
      costUsd: micros === null ? null : micros / 1e6,
      budgetUsd: observed.budgetUsd,
      startedAt: this.turnStartedAt || this.resources.clock.now(),
      endedAt: this.resources.clock.now(),
    });
  }

  /** Flushes buffered output and waits for every queued write. */
  async settle(): Promise<void> {
    this.flushOutput();
    await this.writes;
  }

  /** The owner's record of streamed text (an event, a stored message), given each coalesced piece; none keeps only {@link output}. */
  protected outputFlushed?(text: string): void;

  private flushOutput(): void {
    if (this.outputFlushTimer) clearTimeout(this.outputFlushTimer);
    this.outputFlushTimer = null;
    if (!this.pendingOutput || !this.outputFlushed) return;
    const text = this.pendingOutput;
    this.pendingOutput = '';
    this.lastOutputFlush = this.resources.clock.now();
    this.outputFlushed(text);
  }

  /**
   * Called when a model call is reported (its figures already in {@link totals}); returns the
   * owner's extra writes for the call's transaction. A task without an owner row writes nothing more.
   */
  protected usageReported(_usage: ModelCallUsage, _micros: number | null, _spentUsd: number): (uow: SqlUnitOfWork, now: number) => Promise<void> {
    return async () => {};
  }

  /** Called first in each write transaction. */
  protected batchStarted(): void {}

  /** Called last in each write transaction, after every queued write ran. */
  protected async batchWritten(_uow: SqlUnitOfWork): Promise<void> {}

  /** Called after a write transaction committed (what it stored may now be announced). */
  protected batchCommitted(): void {}

  /** Queues `work` for the next write transaction; resolves once that transaction ended (committed or not). */
  protected enqueue(work: (uow: SqlUnitOfWork) => Promise<void>, usage?: UnrecordedUsage): Promise<void> {
    const done = new Promise<void>((resolve) => this.batch.push({ work, resolve, usage }));
    if (!this.draining) {
      this.draining = true;
      this.writes = this.writes.then(() => new Promise<void>((r) => queueMicrotask(r))).then(() => this.drain());
    }
    return done;
  }

  private async capVerdict(uow: SqlUnitOfWork, spentUsd: number, now: number): Promise<UsageVerdict> {
    const s = this.totals;
    const check = await checkCaps(
      uow.sql,
      this.caps,
      { spentUsd, pricingKnown: s.pricingKnown, tokens: s.inputTokens + s.outputTokens, turns: this.turns },
      now,
    );
    if (!check) return { stop: false };
    this.lastEvidence = check.evidence;
    return { stop: true, failure: check.failure, pause: this.caps.onCapReached === 'pause' };
  }

  private async drain(): Promise<void> {
    while (this.batch.length) {
      const batch = this.batch.splice(0);
      try {
        await inSqlTransaction(this.resources, async (uow) => {
          this.batchStarted();
          for (const item of batch) await item.work(uow);
          await this.batchWritten(uow);
        });
        this.batchCommitted();
      } catch (error) {
        this.recordWriteFailure(error, batch);
      }
      for (const item of batch) item.resolve();
    }
    this.draining = false;
  }

  /** Keeps what a rolled-back transaction would have recorded, so the task's finish can account for it. */
  private recordWriteFailure(error: unknown, batch: QueuedWrite[]): void {
    const message = error instanceof Error ? error.message : String(error);
    this.resources.logger.error('task usage write failed; the task ends', { taskId: this.ids.taskId, error: message });
    this.writeFailure ??= failure('UNKNOWN', `Recording the task's usage failed, so its spend and caps could not be tracked: ${message}`, { retryable: false });
    for (const { usage } of batch) {
      if (!usage) continue;
      this.unrecorded.inputTokens += usage.inputTokens;
      this.unrecorded.outputTokens += usage.outputTokens;
      this.unrecorded.costMicros += usage.costMicros;
    }
  }
}
