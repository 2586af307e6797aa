import { TaskSchema } from '../db/entities/task.entity.js';
import type { FailureEvidence } from '../db/entities/step-run.entity.js';
import { inSqlTransaction, type SqlUnitOfWork } from '../db/unit-of-work.js';
import { newId } from '../ids.js';
import { insertRows } from '../db/direct-sql.js';
import type { EngineResources } from '../resources.js';
import type { TaskCaps } from '../budget/cap-check.js';
import { resolveCostCap } from '../budget/cap-resolver.js';
import { countTokens } from '../budget/tokenizer.js';
import type { SecretValues } from '../settings/secret-values.js';
import type { SettingsSystem } from '../settings/settings-system.js';
import type { AgentTool, RuntimeRequest, RuntimeResult, TaskPurpose } from '../runtimes/runtime.js';
import type { ClassifiedFailure } from '../runtimes/failure-category.js';
import { priceFor } from '../runtimes/pricing.js';
import { runRedacted } from '../runtimes/secret-redaction.js';
import { TaskStatus } from './task-state.js';
import { transitionTaskRow } from './task-store.js';
import { TaskTracker, zeroSpend } from './task-tracker.js';
import { newSpanId, taskTraceId, type SpanIds } from '../observability/telemetry.js';

/** What each kind of task is for, as the runtime is told. */
const PURPOSE = { STEP: 'step', SCHEDULE: 'schedule', ASSISTANT: 'assistant' } as const satisfies Record<TaskSpec['kind'], TaskPurpose>;

/** Output tokens allowed per model call. */
const MAX_OUTPUT_TOKENS = 4096;
/** A silent stream counts as stalled after this long, ms (capped by the task timeout). */
const STREAM_IDLE_MS = 60_000;

/** What a task's row says it belongs to. */
export interface TaskOwner {
  workflowId: string | null;
  runId: string | null;
  stepRunId: string | null;
  /** The step definition's id, on the ledger rows. */
  stepId: string | null;
  scheduleId: string | null;
}

/** A task that has its task row: what it runs on and under which caps. */
export interface StartedTask {
  taskId: string;
  runtimeId: string;
  model: string;
  caps: TaskCaps;
  startedAt: number;
  /** Setting journal.maxBytesPerStep: the largest conversation a step's turn journal keeps, bytes. */
  journalMaxBytes: number;
}

/** How a task ended. `taskId` is null when it failed before its task row existed (unknown runtime or model). */
export interface TaskEnd {
  taskId: string | null;
  status: 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'WAITING_APPROVAL' | 'PAUSED';
  /** WAITING_APPROVAL or PAUSED: where the loop stopped and which calls wait (the owner stores it). */
  parked?: RuntimeResult['parked'];
  output: string;
  turns: number;
  failure?: ClassifiedFailure;
  evidence?: FailureEvidence;
}

/** Everything one task run needs; the owner's writes join the task's own transactions. */
export interface TaskSpec<T extends TaskTracker = TaskTracker> {
  /** `tasks.kind`: STEP for a workflow step attempt, SCHEDULE for a prompt firing, ASSISTANT for an assistant answer. */
  kind: 'STEP' | 'SCHEDULE' | 'ASSISTANT';
  owner: TaskOwner;
  /** Runtime ids in priority order (step, then workflow; or the schedule's); the first set one wins. */
  runtimePreferences: (string | null | undefined)[];
  /** Field path an unknown runtime id is reported at. */
  runtimeField?: (string | number)[];
  modelId?: string | null;
  modelField?: (string | number)[];
  /** Budgets the cost cap is resolved from (one resolver for every task). */
  budget: { stepBudgetUsd?: number | null; workflowBudgetUsd?: number | null; kind: 'workflow-step' | 'standalone' };
  /** The task's own turn limit; else setting `runtime.maxTurns`. */
  maxTurns?: number | null;
  prompt: string;
  /** The system prompt, given the resolved caps (a schedule states its real turn limit). */
  systemPrompt(caps: TaskCaps): string;
  tools: AgentTool[];
  signal: AbortSignal;
  /** A cost cap set for this task that replaces the resolved one (a step resumed with a higher cap), USD. */
  capUsd?: number | null;
  /** The folder an agent CLI works in (a step's `workingDirectory`). */
  workingDirectory?: string | null;
  /** The trace the task's calls belong to and their parent span (a step attempt's); default the task's own trace. */
  trace?: { traceId: string; parentSpanId: string | null } | null;
  /** Go on from a stored checkpoint instead of starting (a step whose tool calls were resolved). */
  resume?: RuntimeRequest['resume'];
  /** The runtime hooks; default a plain {@link TaskTracker}. A step adds its live row and events. */
  tracker?(started: StartedTask): T;
  /** Writes committed with the task row (a step moves to RUNNING with its task id). */
  onStart?(uow: SqlUnitOfWork, started: StartedTask): Promise<void>;
  /** Writes committed with the task's final row (a step's final state and event). */
  onFinish?(uow: SqlUnitOfWork, end: TaskEnd, tracker: T | null, now: number): Promise<void>;
}

/**
 * The one task runner: every model task (workflow step attempts and schedule firings alike)
 * gets its runtime, model and caps here, has its task row created in one transaction with its
 * owner's start, runs its adapter with a {@link TaskTracker} (ledger row, totals and cap check
 * per model call, in one transaction each) and every provider failure redacted of secrets
 * (runtimes/secret-redaction.ts), and records its end in one transaction with its
 * owner's. Any exception ends the task FAILED with a category; nothing is left RUNNING.
 */
export class TaskRunner {
  constructor(
    private readonly resources: EngineResources,
    private readonly settings: SettingsSystem,
    /** The configured secrets no provider message may carry into the engine. */
    private readonly secrets: SecretValues,
  ) {}

  /** The first set preference, else setting `routing.defaultRuntime`, else the first available runtime. */
  async resolveRuntimeId(preferences: (string | null | undefined)[]): Promise<string> {
    const chosen = preferences.find((id): id is string => Boolean(id));
    if (chosen) return chosen;
    const setting = await this.settings.get<string>('routing.defaultRuntime');
    if (setting) return setting;
    return (await this.resources.catalog.firstAvailable())?.id ?? 'simulated';
  }

  /** The cost cap, USD: task budget > workflow budget > setting > the kind's default. */
  async resolveCap(budget: TaskSpec['budget']): Promise<number> {
    const setting = await this.settings.get<number>('budget.maxCostPerTaskUsd');
    return resolveCostCap({ ...budget, settingBudgetUsd: setting }).capUsd;
  }

  /** Every cap of a task: cost, tokens, daily spend and turns, and whether reaching one pauses it (steps only). */
  async resolveCaps(spec: Pick<TaskSpec, 'budget' | 'maxTurns' | 'kind'>): Promise<TaskCaps> {
    const pause = spec.kind === 'STEP' && (await this.settings.get<string>('budget.onCapReached')) !== 'fail';
    return {
      onCapReached: pause ? 'pause' : 'fail',
      costUsd: await this.resolveCap(spec.budget),
      maxTokens: await this.settings.get<number>('budget.maxTokensPerTask'),
      dailyUsd: await this.settings.get<number>('budget.maxDailyCostUsd'),
      maxTurns: spec.maxTurns ?? (await this.settings.get<number>('runtime.maxTurns')) ?? 10,
    };
  }

  async run<T extends TaskTracker>(spec: TaskSpec<T>): Promise<TaskEnd> {
    const { resources } = this;
    let tracker: T | null = null;
    let started: StartedTask | null = null;
    let taskSpan: SpanIds | null = null;
    try {
      const runtimeId = await this.resolveRuntimeId(spec.runtimePreferences);
      const adapter = resources.catalog.get(runtimeId, spec.runtimeField);
      const model = await resources.catalog.resolveModel(runtimeId, spec.modelId, spec.modelField);
      const resolved = await this.resolveCaps(spec);
      const caps: TaskCaps = {
        ...resolved,
        costUsd: spec.capUsd ?? resolved.costUsd,
        // Pausing keeps a step to go on from its journal: a runtime that cannot fails at the cap instead.
        onCapReached: adapter.resumesFromJournal ? resolved.onCapReached : 'fail',
      };
      const timeoutMs = (await this.settings.get<number>('runtime.timeoutMs')) ?? 600_000;
      const journalMaxBytes = (await this.settings.get<number>('journal.maxBytesPerStep')) ?? 8_000_000;
      const task: StartedTask = { taskId: newId(), runtimeId, model, caps, startedAt: resources.clock.now(), journalMaxBytes };
      await inSqlTransaction(resources, async (uow) => {
        await insertRows(uow.sql, TaskSchema, [
          {
            id: task.taskId,
            createdAt: task.startedAt,
            kind: spec.kind,
            workflowId: spec.owner.workflowId,
            runId: spec.owner.runId,
            stepRunId: spec.owner.stepRunId,
            scheduleId: spec.owner.scheduleId,
            status: TaskStatus.RUNNING,
            runtimeId,
            modelId: model,
            prompt: spec.prompt,
            budgetUsd: caps.costUsd,
            startedAt: task.startedAt,
            inputTokens: 0,
            outputTokens: 0,
            cacheReadTokens: 0,
            cacheWriteTokens: 0,
            costMicros: 0,
            turns: 0,
          },
        ]);
        await spec.onStart?.(uow, task);
      });
      started = task;
      tracker =
        spec.tracker?.(task) ??
        (new TaskTracker(
          resources,
          { taskId: task.taskId, runtimeId, workflowId: spec.owner.workflowId, runId: spec.owner.runId, stepId: spec.owner.stepId },
          caps,
          zeroSpend(),
        ) as T);
      // A task outside any run is the root of its own trace: its model calls are children of its span.
      taskSpan = spec.kind !== 'STEP' && resources.telemetry?.tracing ? { traceId: taskTraceId(task.taskId), spanId: newSpanId(), parentSpanId: null } : null;
      if (resources.telemetry)
        tracker.observation = {
          kind: spec.kind,
          budgetUsd: caps.costUsd,
          trace: resources.telemetry.tracing ? (spec.trace ?? (taskSpan ? { traceId: taskSpan.traceId, parentSpanId: taskSpan.spanId } : null)) : null,
        };
      const systemPrompt = spec.systemPrompt(caps);
      const result: RuntimeResult = await runRedacted(
        adapter,
        {
          taskId: task.taskId,
          model,
          systemPrompt,
          prompt: spec.prompt,
          tools: spec.tools,
          maxTurns: caps.maxTurns,
          maxOutputTokens: MAX_OUTPUT_TOKENS,
          signal: spec.signal,
          deadlineAt: Date.now() + timeoutMs,
          streamIdleTimeoutMs: Math.min(STREAM_IDLE_MS, timeoutMs),
          resume: spec.resume,
          purpose: PURPOSE[spec.kind],
          ...(spec.workingDirectory ? { workingDirectory: spec.workingDirectory } : {}),
        },
        tracker,
        await this.secrets.list(),
      );
      await tracker.settle();
      // A write that did not commit ends the task, whatever the runtime reported: its spend is unaccounted.
      if (result.status === 'WAITING_APPROVAL' && !tracker.writeFailure)
        return await this.finish(
          spec,
          { taskId: task.taskId, status: 'WAITING_APPROVAL', output: result.output, turns: result.turns, parked: result.parked },
          tracker,
          { started: task, span: taskSpan },
        );
      const failure =
        tracker.writeFailure ??
        (result.status === 'COMPLETED' || result.status === 'WAITING_APPROVAL'
          ? undefined
          : (result.failure ?? { category: 'UNKNOWN', message: 'The runtime ended without saying why.', retryable: false }));
      const end: TaskEnd = failure
        ? {
            taskId: task.taskId,
            status: tracker.writeFailure || result.status === 'WAITING_APPROVAL' ? 'FAILED' : result.status,
            output: result.output,
            turns: result.turns,
            failure,
            evidence: evidenceFor(failure, tracker, systemPrompt + spec.prompt, model, caps.maxTurns),
            // Paused at a cap: where it stands, so the step can go on from there.
            ...(result.status === 'PAUSED' && !tracker.writeFailure ? { parked: result.parked } : {}),
          }
        : { taskId: task.taskId, status: 'COMPLETED', output: result.output, turns: result.turns };
      return await this.finish(spec, end, tracker, { started: task, span: taskSpan });
    } catch (error) {
      await tracker?.settle();
      const failure = classifyEngineError(error, spec.signal);
      const end: TaskEnd = {
        taskId: started?.taskId ?? null,
        status: failure.category === 'CANCELLED' ? 'CANCELLED' : 'FAILED',
        output: tracker?.output ?? '',
        turns: tracker?.turns ?? 0,
        failure,
        evidence: { providerMessage: failure.message },
      };
      return this.finish(spec, end, tracker, { started, span: taskSpan });
    }
  }

  /** The task row's final state, with its final totals (they include any call whose live write failed), and the owner's end, in one transaction. */
  private async finish<T extends TaskTracker>(
    spec: TaskSpec<T>,
    end: TaskEnd,
    tracker: T | null,
    /** What telemetry needs of the task: its start, and its span when it is a trace's root. */
    observed: { started: StartedTask | null; span: SpanIds | null },
  ): Promise<TaskEnd> {
    const now = this.resources.clock.now();
    await inSqlTransaction(this.resources, async (uow) => {
      if (end.taskId) {
        const totals = tracker
          ? {
              inputTokens: tracker.totals.inputTokens,
              outputTokens: tracker.totals.outputTokens,
              cacheReadTokens: tracker.totals.cacheReadTokens,
              cacheWriteTokens: tracker.totals.cacheWriteTokens,
              costMicros: tracker.totals.costMicros,
            }
          : {};
        await transitionTaskRow(uow.sql, end.taskId, 'RUNNING', end.status, {
          ...totals,
          output: end.output,
          error: end.failure?.message ?? null,
          failureCategory: end.failure?.category ?? null,
          turns: end.turns,
          finishedAt: now,
        });
      }
      await spec.onFinish?.(uow, end, tracker, now);
    });
    this.reportTaskEnded(spec, end, tracker, observed, now);
    return end;
  }

  /** A task outside any run ended: reported as the root of its trace (steps report as step attempts instead). */
  private reportTaskEnded<T extends TaskTracker>(
    spec: TaskSpec<T>,
    end: TaskEnd,
    tracker: T | null,
    observed: { started: StartedTask | null; span: SpanIds | null },
    now: number,
  ): void {
    const telemetry = this.resources.telemetry;
    const started = observed.started;
    if (!telemetry || spec.kind === 'STEP' || !end.taskId || !tracker || !started) return;
    telemetry.taskEnded({
      span: observed.span,
      taskKind: spec.kind,
      taskId: end.taskId,
      runtimeId: started.runtimeId,
      model: started.model,
      status: end.status,
      failureCategory: end.failure?.category ?? null,
      costUsd: tracker.totals.costMicros / 1e6,
      budgetUsd: started.caps.costUsd,
      inputTokens: tracker.totals.inputTokens,
      outputTokens: tracker.totals.outputTokens,
      turns: end.turns,
      startedAt: started.startedAt,
      endedAt: now,
    });
  }
}

/** What a failure's evidence says: the provider's words, retries and turns, plus the cap or context figures that explain it. */
function evidenceFor(failure: ClassifiedFailure, tracker: TaskTracker, promptText: string, model: string, maxTurns: number): FailureEvidence {
  const base: FailureEvidence = {
    providerMessage: failure.message,
    httpStatus: failure.httpStatus,
    retries: tracker.retries || undefined,
    turns: tracker.turns,
    maxTurns,
  };
  // Our own cap check stopped it: its figures explain the stop, and its message is not the provider's.
  if (failure.category === 'BUDGET_EXCEEDED' && Object.keys(tracker.lastEvidence).length > 0)
    return { ...base, providerMessage: undefined, ...tracker.lastEvidence };
  if (failure.category === 'TOOL_ERROR') return { ...base, ...tracker.lastToolFailure };
  if (failure.category === 'CONTEXT_TOO_LARGE')
    return { ...base, promptTokens: countTokens(promptText, model).tokens, contextWindow: priceFor(model)?.contextWindow };
  return base;
}

/** Errors thrown inside the engine (not by a provider): cancellation, unknown runtime, bugs. */
function classifyEngineError(error: unknown, signal: AbortSignal): ClassifiedFailure {
  if (signal.aborted) return { category: 'CANCELLED', message: 'Cancelled by user.', retryable: false };
  const code = (error as { code?: string }).code;
  if (code === 'NOT_FOUND') return { category: 'INVALID_REQUEST', message: (error as Error).message, retryable: false };
  return { category: 'UNKNOWN', message: error instanceof Error ? error.message : String(error), retryable: false };
}
