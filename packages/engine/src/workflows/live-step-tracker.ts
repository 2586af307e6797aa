import { incrementRow, insertRows, updateRows } from '../db/direct-sql.js';
import { StepRunSchema } from '../db/entities/step-run.entity.js';
import { TaskSchema } from '../db/entities/task.entity.js';
import { UsageLedgerSchema } from '../db/entities/usage-ledger.entity.js';
import { WorkflowRunSchema } from '../db/entities/workflow-run.entity.js';
import { inSqlTransaction, type PendingEvent, type SqlUnitOfWork } from '../events/event-store.js';
import { newId } from '../ids.js';
import type { EngineResources } from '../resources.js';
import { checkCaps, type TaskCaps } from '../budget/cap-check.js';
import { costMicros } from '../runtimes/pricing.js';
import { failure } from '../runtimes/error-classification.js';
import type { ClassifiedFailure } from '../runtimes/failure-category.js';
import type { ModelCallUsage, RuntimeHooks, UsageVerdict } from '../runtimes/runtime.js';
import type { StepRun, FailureEvidence } from '../db/entities/step-run.entity.js';
import { toStepRunView } from './run-store.js';
import { formatDuration, formatUsd } from '../format/index.js';

/** Output deltas are coalesced to at most one event per step per this interval, ms (about ten a second). */
export const DELTA_FLUSH_MS = 100;
/** Spend share of a cap at which one COST_WARNING is emitted. */
export const COST_WARNING_RATIO = 0.8;

export type { TaskCaps };

/**
 * Keeps a running step's live metrics (tokens, tokens/s, cost vs budget, current tool, turn)
 * on its `step_runs` row and task as the runtime reports, writes one ledger row per model
 * call, emits the matching events with the step's state attached, and decides when a cap
 * stops the task. Output deltas are coalesced ({@link DELTA_FLUSH_MS}) without losing text.
 */
export class LiveStepTracker implements RuntimeHooks {
  private pendingDelta = '';
  private lastFlush = 0;
  private flushTimer: NodeJS.Timeout | null = null;
  private writes: Promise<unknown> = Promise.resolve();
  private batch: { work: (uow: SqlUnitOfWork) => Promise<void>; resolve: () => void; usage?: UnrecordedUsage }[] = [];
  /** Columns of the step row changed by the batch being written (one update per batch). */
  private stepChanges: Partial<StepRun> | null = null;
  private draining = false;
  private warned = false;
  private unknownPriceWarned = false;
  turns = 0;
  output = '';
  retries = 0;
  lastEvidence: FailureEvidence = {};
  /**
   * Set when a batch of writes failed (its transaction rolled back): the step must end FAILED
   * with this failure (UNKNOWN), and its next usage report stops the runtime.
   */
  writeFailure: ClassifiedFailure | null = null;
  /** Usage of the model calls whose ledger rows were lost with a failed batch; the step's finish adds it to the run. */
  readonly unrecorded: UnrecordedUsage = { inputTokens: 0, outputTokens: 0, costMicros: 0 };

  constructor(
    private readonly resources: EngineResources,
    readonly step: StepRun,
    private readonly ids: { workflowId: string; runId: string; taskId: string; runtimeId: string },
    private readonly caps: TaskCaps,
  ) {}

  onTurnStart(turn: number): void {
    this.turns = turn;
    this.step.turns = turn;
  }

  onOutputDelta(text: string): void {
    if (!text) return;
    this.output += text;
    this.pendingDelta += text;
    const now = this.resources.clock.now();
    if (now - this.lastFlush >= DELTA_FLUSH_MS) this.flushDelta();
    else if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flushDelta(), DELTA_FLUSH_MS);
      this.flushTimer.unref?.();
    }
  }

  onToolStart(name: string, input: unknown): void {
    this.flushDelta();
    this.step.currentTool = name;
    const event = this.event({ kind: 'TOOL_STARTED', toolName: name, data: { input: truncateJson(input) } });
    this.enqueue((uow) => this.writeStep(uow, { currentTool: name }, event));
  }

  onToolFinish(name: string, result: string, isError: boolean): void {
    this.step.currentTool = null;
    const event = this.event({ kind: 'TOOL_FINISHED', toolName: name, message: isError ? `Tool ${name} failed: ${result.slice(0, 300)}` : `Tool ${name} returned ${result.length} characters.` });
    this.enqueue((uow) => this.writeStep(uow, { currentTool: null }, event));
  }

  onRetry(info: { attempt: number; delayMs: number; failure: ClassifiedFailure }): void {
    this.retries = info.attempt;
    const event = this.event({ kind: 'CALL_RETRIED', message: `${info.failure.category}: ${info.failure.message} — retry ${info.attempt} in ${formatDuration(info.delayMs)}.`, data: { attempt: info.attempt, delayMs: info.delayMs, category: info.failure.category } });
    this.enqueue((uow) => this.writeStep(uow, {}, event));
  }

  async onUsage(usage: ModelCallUsage): Promise<UsageVerdict> {
    this.flushDelta();
    const micros = costMicros(usage);
    const s = this.step;
    s.inputTokens += usage.inputTokens;
    s.outputTokens += usage.outputTokens;
    s.cacheReadTokens += usage.cacheReadTokens ?? 0;
    s.cacheWriteTokens += usage.cacheWriteTokens ?? 0;
    s.costMicros += micros ?? 0;
    if (micros === null) s.pricingKnown = false;
    const elapsedS = Math.max(0.001, (this.resources.clock.now() - (s.startedAt ?? this.resources.clock.now())) / 1000);
    s.tokensPerSecond = Math.round((s.outputTokens / elapsedS) * 10) / 10;
    const spentUsd = s.costMicros / 1_000_000;
    let verdict: UsageVerdict = { stop: false };
    const usageEvent = this.event({ kind: 'USAGE', inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, costUsd: (micros ?? 0) / 1_000_000, data: { model: usage.model, cacheReadTokens: usage.cacheReadTokens ?? 0, cacheWriteTokens: usage.cacheWriteTokens ?? 0, priced: micros !== null } });
    await this.enqueue(async (uow) => {
      const now = this.resources.clock.now();
      await insertRows(uow.sql, UsageLedgerSchema, [{
        id: newId(), createdAt: now, taskId: this.ids.taskId, workflowId: this.ids.workflowId, runId: this.ids.runId, stepId: s.stepId,
        runtimeId: this.ids.runtimeId, modelId: usage.model, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens,
        cacheReadTokens: usage.cacheReadTokens ?? 0, cacheWriteTokens: usage.cacheWriteTokens ?? 0, costMicros: micros ?? 0,
        status: micros === null ? 'unknown_pricing' : 'ok',
      }]);
      await updateRows(uow.sql, TaskSchema, { id: this.ids.taskId }, { inputTokens: s.inputTokens, outputTokens: s.outputTokens, cacheReadTokens: s.cacheReadTokens, cacheWriteTokens: s.cacheWriteTokens, costMicros: s.costMicros, turns: this.turns });
      await incrementRow(uow.sql, WorkflowRunSchema, this.ids.runId, { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, costMicros: micros ?? 0 }, { ...(micros === null ? { pricingKnown: false } : {}), updatedAt: now });
      await this.writeStep(uow, {}, usageEvent);
      if (micros === null && !this.unknownPriceWarned) {
        this.unknownPriceWarned = true;
        uow.emit(this.event({ kind: 'COST_WARNING', message: `Model ${usage.model} has no price in the registry: this step's cost cap of ${formatUsd(this.caps.costUsd)} cannot be enforced.`, data: { reason: 'unknown_pricing' } }));
      }
      if (!this.warned && spentUsd >= COST_WARNING_RATIO * this.caps.costUsd && spentUsd < this.caps.costUsd) {
        this.warned = true;
        uow.emit(this.event({ kind: 'COST_WARNING', costUsd: spentUsd, message: `Step "${s.name}" has spent ${formatUsd(spentUsd)} of its ${formatUsd(this.caps.costUsd)} cap.`, data: { reason: 'near_cap' } }));
      }
      verdict = await this.capVerdict(uow, spentUsd, now);
    }, { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, costMicros: micros ?? 0 });
    // The ledger row and the cap check did not commit: the step cannot go on unaccounted.
    if (this.writeFailure) return { stop: true, failure: this.writeFailure };
    return verdict;
  }

  /** Flushes buffered output and waits for every queued write. */
  async settle(): Promise<void> {
    this.flushDelta();
    await this.writes;
  }

  private async capVerdict(uow: SqlUnitOfWork, spentUsd: number, now: number): Promise<UsageVerdict> {
    const s = this.step;
    const check = await checkCaps(uow.sql, this.caps, { spentUsd, pricingKnown: s.pricingKnown, tokens: s.inputTokens + s.outputTokens, turns: this.turns }, now);
    if (!check) return { stop: false };
    this.lastEvidence = check.evidence;
    return { stop: true, failure: check.failure };
  }

  private flushDelta(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (!this.pendingDelta) return;
    const text = this.pendingDelta;
    this.pendingDelta = '';
    this.lastFlush = this.resources.clock.now();
    const event = this.event({ kind: 'STEP_OUTPUT_DELTA', outputDelta: text });
    this.enqueue((uow) => this.writeStep(uow, {}, event));
  }

  /**
   * Writes run in the order the runtime reported them. Writes queued in the same tick (an output
   * delta and the usage report that follows it) share one transaction: fewer commits per step.
   */
  private enqueue(work: (uow: SqlUnitOfWork) => Promise<void>, usage?: UnrecordedUsage): Promise<unknown> {
    const done = new Promise<void>((resolve) => this.batch.push({ work, resolve, usage }));
    if (!this.draining) {
      this.draining = true;
      this.writes = this.writes.then(() => new Promise<void>((r) => queueMicrotask(r))).then(() => this.drain());
    }
    return done;
  }

  private async drain(): Promise<void> {
    while (this.batch.length) {
      const batch = this.batch.splice(0);
      try {
        await inSqlTransaction(this.resources, async (uow) => {
          this.stepChanges = null;
          for (const item of batch) await item.work(uow);
          if (this.stepChanges) await this.writeStepRow(uow, this.stepChanges);
        });
      } catch (error) {
        this.recordWriteFailure(error, batch);
      }
      for (const item of batch) item.resolve();
    }
    this.draining = false;
  }

  /** Keeps what a rolled-back batch would have recorded, so the step's finish can account for it. */
  private recordWriteFailure(error: unknown, batch: { usage?: UnrecordedUsage }[]): void {
    const message = error instanceof Error ? error.message : String(error);
    this.resources.logger.error('live metrics write failed; the step ends', { runId: this.ids.runId, stepId: this.step.stepId, error: message });
    this.writeFailure ??= failure('UNKNOWN', `Recording the step's usage failed, so its spend and caps could not be tracked: ${message}`, { retryable: false });
    for (const { usage } of batch) {
      if (!usage) continue;
      this.unrecorded.inputTokens += usage.inputTokens;
      this.unrecorded.outputTokens += usage.outputTokens;
      this.unrecorded.costMicros += usage.costMicros;
    }
  }

  /** Queues `event` and marks the step row for the batch's single update (with `changes`, later ones winning). */
  private async writeStep(uow: SqlUnitOfWork, changes: Partial<StepRun>, event: PendingEvent): Promise<void> {
    this.stepChanges = { ...this.stepChanges, ...changes };
    uow.emit(event);
  }

  /** The step row's live metrics as of now, plus the batch's other changed columns. */
  private async writeStepRow(uow: SqlUnitOfWork, changes: Partial<StepRun>): Promise<void> {
    const s = this.step;
    await updateRows(uow.sql, StepRunSchema, { id: s.id }, {
      ...changes, inputTokens: s.inputTokens, outputTokens: s.outputTokens, cacheReadTokens: s.cacheReadTokens, cacheWriteTokens: s.cacheWriteTokens,
      costMicros: s.costMicros, turns: this.turns, tokensPerSecond: s.tokensPerSecond ?? null, pricingKnown: s.pricingKnown, updatedAt: this.resources.clock.now(),
    });
  }

  /** An event with the step's state as of now (built when reported, not when written). */
  private event(e: Omit<PendingEvent, 'workflowId' | 'runId'>): PendingEvent {
    return { ...e, workflowId: this.ids.workflowId, runId: this.ids.runId, stepId: this.step.stepId, taskId: this.ids.taskId, step: toStepRunView(this.step, this.resources.clock.now()) };
  }
}

/** Tokens and cost of model calls whose batch did not commit. */
export interface UnrecordedUsage {
  inputTokens: number;
  outputTokens: number;
  costMicros: number;
}

function truncateJson(value: unknown): unknown {
  const text = JSON.stringify(value ?? null);
  return text.length > 500 ? `${text.slice(0, 500)}…` : value;
}
