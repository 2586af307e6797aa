import { incrementRow, updateRows } from '../db/direct-sql.js';
import { StepRunSchema } from '../db/entities/step-run.entity.js';
import { WorkflowRunSchema } from '../db/entities/workflow-run.entity.js';
import type { SqlUnitOfWork } from '../db/unit-of-work.js';
import type { PendingEvent } from '../events/workflow-event.js';
import type { EngineResources } from '../resources.js';
import type { TaskCaps } from '../budget/cap-check.js';
import type { ClassifiedFailure } from '../runtimes/failure-category.js';
import type { ModelCallUsage, ToolCallRequest, ToolOutcomeStatus, TurnCheckpoint, UsageVerdict } from '../runtimes/runtime.js';
import type { SqlExecutor } from '../db/sql-executor.js';
import type { StepJournal } from './step-journal.js';
import type { ToolCallRecorder } from '../tools/tool-call-recorder.js';
import type { StepRun } from '../db/entities/step-run.entity.js';
import { TaskTracker } from '../tasks/task-tracker.js';
import { toStepRunView } from './run-store.js';
import { formatDuration, formatUsd } from '../format/index.js';

/** Spend share of a cap at which one COST_WARNING is emitted. */
export const COST_WARNING_RATIO = 0.8;

export type { TaskCaps };

/**
 * A step attempt's task tracker: besides the ledger rows, task totals and cap checks of every
 * task ({@link TaskTracker}), it keeps the step's live metrics (tokens, tokens/s, cost vs
 * budget, current tool, turn) on its `step_runs` row and the run's counters in the same
 * transactions, and emits the matching events with the step's state attached. Output arrives
 * coalesced by the task tracker, as one STEP_OUTPUT_DELTA per piece.
 */
export class LiveStepTracker extends TaskTracker {
  /** Columns of the step row changed by the batch being written (one update per batch). */
  private stepChanges: Partial<StepRun> | null = null;
  private warned = false;
  /** The journal write of the call being reported, taken into its usage transaction. */
  private journalWrite: ((sql: SqlExecutor) => Promise<void>) | null = null;
  private unknownPriceWarned = false;

  constructor(
    resources: EngineResources,
    readonly step: StepRun,
    private readonly stepIds: { workflowId: string; runId: string; taskId: string; runtimeId: string },
    caps: TaskCaps,
    /** Stores each tool call as a ToolCall; none for trackers that keep no calls. */
    private readonly toolCalls: ToolCallRecorder | null = null,
    /** A resumed attempt goes on counting from its stored turn. */
    startTurn = 0,
    /** The attempt's turn journal; none for trackers that keep no journal. */
    private readonly journal: StepJournal | null = null,
  ) {
    super(resources, { ...stepIds, stepId: step.stepId }, caps, step);
    this.turns = startTurn;
  }

  override onTurnStart(turn: number): void {
    super.onTurnStart(turn);
    this.step.turns = turn;
  }

  override onToolStart(call: ToolCallRequest): void {
    super.onToolStart(call);
    this.step.currentTool = call.name;
    const change = this.toolCalls?.started(call, this.turns, this.resources.clock.now());
    const event = this.event({ kind: 'TOOL_STARTED', toolName: call.name, toolCall: change?.view, data: { input: truncateJson(call.input) } });
    void this.enqueue(async (uow) => {
      await change?.write(uow.sql);
      await this.writeStep(uow, { currentTool: call.name }, event);
    });
  }

  override onToolFinish(call: ToolCallRequest, result: string, status: ToolOutcomeStatus): void {
    super.onToolFinish(call, result, status);
    this.step.currentTool = null;
    const change = this.toolCalls?.finished(call, this.turns, result, status, this.resources.clock.now());
    const event = this.event({
      kind: 'TOOL_FINISHED',
      toolName: call.name,
      toolCall: change?.view,
      message:
        status === 'SUCCEEDED'
          ? `Tool ${call.name} returned ${result.length} characters.`
          : status === 'DENIED'
            ? `Tool ${call.name} was refused; the model was told.`
            : `Tool ${call.name} ${status === 'TIMED_OUT' ? 'timed out' : 'failed'}: ${result.slice(0, 300)}`,
    });
    void this.enqueue(async (uow) => {
      await change?.write(uow.sql);
      await this.writeStep(uow, { currentTool: null }, event);
    });
  }

  override onRetry(info: { attempt: number; delayMs: number; failure: ClassifiedFailure }): void {
    super.onRetry(info);
    const event = this.event({
      kind: 'CALL_RETRIED',
      message: `${info.failure.category}: ${info.failure.message} — retry ${info.attempt} in ${formatDuration(info.delayMs)}.`,
      data: { attempt: info.attempt, delayMs: info.delayMs, category: info.failure.category },
    });
    void this.enqueue((uow) => this.writeStep(uow, {}, event));
  }

  override async onUsage(usage: ModelCallUsage, checkpoint?: TurnCheckpoint): Promise<UsageVerdict> {
    const entry = checkpoint && this.journal ? this.journal.turnCompleted(checkpoint, this.resources.clock.now()) : null;
    this.journalWrite = entry && 'write' in entry ? entry.write : null;
    const verdict = await super.onUsage(usage);
    if (entry && 'tooLarge' in entry && !verdict.stop) return { stop: true, failure: { category: 'UNKNOWN', message: entry.tooLarge, retryable: false } };
    return verdict;
  }

  onCheckpoint(checkpoint: TurnCheckpoint): void {
    if (!this.journal) return;
    const write = this.journal.toolsDone(checkpoint);
    void this.enqueue((uow) => write(uow.sql));
  }

  /** The step's rate and event (built now, as reported), then the run's counters, the step row and cost warnings in the call's transaction. */
  protected override usageReported(usage: ModelCallUsage, micros: number | null, spentUsd: number) {
    const s = this.step;
    const elapsedS = Math.max(0.001, (this.resources.clock.now() - (s.startedAt ?? this.resources.clock.now())) / 1000);
    s.tokensPerSecond = Math.round((s.outputTokens / elapsedS) * 10) / 10;
    const usageEvent = this.event({
      kind: 'USAGE',
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      costUsd: (micros ?? 0) / 1_000_000,
      data: { model: usage.model, cacheReadTokens: usage.cacheReadTokens ?? 0, cacheWriteTokens: usage.cacheWriteTokens ?? 0, priced: micros !== null },
    });
    const journalWrite = this.journalWrite;
    this.journalWrite = null;
    return async (uow: SqlUnitOfWork, now: number) => {
      await journalWrite?.(uow.sql);
      await incrementRow(
        uow.sql,
        WorkflowRunSchema,
        this.stepIds.runId,
        { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, costMicros: micros ?? 0 },
        { ...(micros === null ? { pricingKnown: false } : {}), updatedAt: now },
      );
      await this.writeStep(uow, {}, usageEvent);
      if (micros === null && !this.unknownPriceWarned) {
        this.unknownPriceWarned = true;
        uow.emit(
          this.event({
            kind: 'COST_WARNING',
            message: `Model ${usage.model} has no price in the registry: this step's cost cap of ${formatUsd(this.caps.costUsd)} cannot be enforced.`,
            data: { reason: 'unknown_pricing' },
          }),
        );
      }
      if (!this.warned && spentUsd >= COST_WARNING_RATIO * this.caps.costUsd && spentUsd < this.caps.costUsd) {
        this.warned = true;
        uow.emit(
          this.event({
            kind: 'COST_WARNING',
            costUsd: spentUsd,
            message: `Step "${s.name}" has spent ${formatUsd(spentUsd)} of its ${formatUsd(this.caps.costUsd)} cap.`,
            data: { reason: 'near_cap' },
          }),
        );
      }
    };
  }

  protected override batchStarted(): void {
    this.stepChanges = null;
  }

  protected override async batchWritten(uow: SqlUnitOfWork): Promise<void> {
    if (this.stepChanges) await this.writeStepRow(uow, this.stepChanges);
  }

  protected override outputFlushed(text: string): void {
    const event = this.event({ kind: 'STEP_OUTPUT_DELTA', outputDelta: text });
    void this.enqueue((uow) => this.writeStep(uow, {}, event));
  }

  /** Queues `event` and marks the step row for the batch's single update (with `changes`, later ones winning). */
  private async writeStep(uow: SqlUnitOfWork, changes: Partial<StepRun>, event: PendingEvent): Promise<void> {
    this.stepChanges = { ...this.stepChanges, ...changes };
    uow.emit(event);
  }

  /** The step row's live metrics as of now, plus the batch's other changed columns. */
  private async writeStepRow(uow: SqlUnitOfWork, changes: Partial<StepRun>): Promise<void> {
    const s = this.step;
    await updateRows(
      uow.sql,
      StepRunSchema,
      { id: s.id },
      {
        ...changes,
        inputTokens: s.inputTokens,
        outputTokens: s.outputTokens,
        cacheReadTokens: s.cacheReadTokens,
        cacheWriteTokens: s.cacheWriteTokens,
        costMicros: s.costMicros,
        turns: this.turns,
        tokensPerSecond: s.tokensPerSecond ?? null,
        pricingKnown: s.pricingKnown,
        updatedAt: this.resources.clock.now(),
      },
    );
  }

  /** An event with the step's state as of now (built when reported, not when written). */
  private event(e: Omit<PendingEvent, 'workflowId' | 'runId'>): PendingEvent {
    return {
      ...e,
      workflowId: this.stepIds.workflowId,
      runId: this.stepIds.runId,
      stepId: this.step.stepId,
      taskId: this.stepIds.taskId,
      step: toStepRunView(this.step, this.resources.clock.now()),
    };
  }
}

function truncateJson(value: unknown): unknown {
  const text = JSON.stringify(value ?? null);
  return text.length > 500 ? `${text.slice(0, 500)}…` : value;
}
