import { TaskSchema } from '../db/entities/task.entity.js';
import type { StepRun, FailureEvidence } from '../db/entities/step-run.entity.js';
import { inSqlTransaction } from '../events/event-store.js';
import { newId } from '../ids.js';
import { incrementRow, insertRows, updateRows } from '../db/direct-sql.js';
import { WorkflowRunSchema } from '../db/entities/workflow-run.entity.js';
import type { EngineResources } from '../resources.js';
import { resolveCostCap } from '../budget/cap-resolver.js';
import type { SettingsSystem } from '../settings/settings-system.js';
import type { AgentTool, RuntimeResult } from '../runtimes/runtime.js';
import type { ClassifiedFailure, FailureCategory } from '../runtimes/failure-category.js';
import { priceFor } from '../runtimes/pricing.js';
import { countTokens } from '../budget/tokenizer.js';
import { LiveStepTracker } from './live-step-tracker.js';
import { toStepRunView, transitionStepRow } from './run-store.js';
import type { StepDefinition, WorkflowDefinition } from './definition.js';
import { formatDuration, formatUsd } from '../format/index.js';

/** How one step attempt ended. */
export type StepOutcome =
  | { status: 'COMPLETED'; output: string; reused: boolean; /** The agent called the finish tool (loops stop). */ signaledDone?: boolean }
  | { status: 'FAILED'; category: FailureCategory; error: string }
  | { status: 'CANCELLED' };

/** Everything needed to run one step attempt. */
export interface StepAttempt {
  workflowId: string;
  runId: string;
  definition: WorkflowDefinition;
  step: StepDefinition;
  row: StepRun;
  systemPrompt: string;
  prompt: string;
  tools: AgentTool[];
  documentCount: number;
  estimatedDurationMs: number | null;
  signal: AbortSignal;
}

/**
 * Runs one step attempt as a task: resolves runtime, model and caps, creates the task row and
 * marks the step RUNNING with the task id in one transaction (so a client sees it at once),
 * runs the adapter with a {@link LiveStepTracker} as its hooks, then records the outcome. Any
 * exception ends the step FAILED with a category; nothing is left RUNNING.
 */
export class TaskRunner {
  constructor(private readonly resources: EngineResources, private readonly settings: SettingsSystem) {}

  /** The runtime a step uses: step > workflow > setting `routing.defaultRuntime` > first available. */
  async resolveRuntimeId(step: Pick<StepDefinition, 'runtimeId'>, definition: Pick<WorkflowDefinition, 'runtimeId'>): Promise<string> {
    if (step.runtimeId) return step.runtimeId;
    if (definition.runtimeId) return definition.runtimeId;
    const setting = await this.settings.get<string>('routing.defaultRuntime');
    if (setting) return setting;
    return (await this.resources.catalog.firstAvailable())?.id ?? 'simulated';
  }

  /** The cost cap of a step attempt, USD (one resolver for every path). */
  async resolveCap(step: Pick<StepDefinition, 'budgetUsd'>, definition: Pick<WorkflowDefinition, 'budgetUsd'>, kind: 'workflow-step' | 'standalone' = 'workflow-step'): Promise<number> {
    const setting = await this.settings.get<number>('budget.maxCostPerTaskUsd');
    return resolveCostCap({ stepBudgetUsd: step.budgetUsd, workflowBudgetUsd: definition.budgetUsd, settingBudgetUsd: setting, kind }).capUsd;
  }

  async run(a: StepAttempt): Promise<StepOutcome> {
    const { resources } = this;
    let tracker: LiveStepTracker | null = null;
    const taskId = newId();
    try {
      const runtimeId = await this.resolveRuntimeId(a.step, a.definition);
      const adapter = resources.catalog.get(runtimeId, ['steps', a.step.id, 'runtimeId']);
      const model = await resources.catalog.resolveModel(runtimeId, a.step.modelId, ['steps', a.step.id, 'modelId']);
      const caps = {
        costUsd: await this.resolveCap(a.step, a.definition),
        maxTokens: await this.settings.get<number>('budget.maxTokensPerTask'),
        dailyUsd: await this.settings.get<number>('budget.maxDailyCostUsd'),
        maxTurns: a.step.maxTurns ?? (await this.settings.get<number>('runtime.maxTurns')) ?? 10,
      };
      const timeoutMs = (await this.settings.get<number>('runtime.timeoutMs')) ?? 600_000;
      const now = resources.clock.now();
      await inSqlTransaction(resources, async (uow) => {
        await insertRows(uow.sql, TaskSchema, [{
          id: taskId, createdAt: now, kind: 'STEP', workflowId: a.workflowId, runId: a.runId, stepRunId: a.row.id, scheduleId: null,
          status: 'RUNNING', runtimeId, modelId: model, prompt: a.prompt, budgetUsd: caps.costUsd, startedAt: now,
          inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costMicros: 0, turns: 0,
        }]);
        await transitionStepRow(uow.sql, a.row, 'RUNNING', {
          taskId, runtimeId, modelId: model, budgetUsd: caps.costUsd, startedAt: now, documentCount: a.documentCount, estimatedDurationMs: a.estimatedDurationMs,
        }, now);
        Object.assign(a.row, { taskId, runtimeId, modelId: model, budgetUsd: caps.costUsd, startedAt: now, documentCount: a.documentCount, estimatedDurationMs: a.estimatedDurationMs });
        uow.emit({ kind: 'STEP_STARTED', workflowId: a.workflowId, runId: a.runId, stepId: a.step.id, taskId, message: `Step "${a.step.name}" started on ${runtimeId} (${model}), cap ${formatUsd(caps.costUsd)}.`, step: toStepRunView(a.row) });
      });
      tracker = new LiveStepTracker(resources, a.row, { workflowId: a.workflowId, runId: a.runId, taskId, runtimeId }, caps);
      const result: RuntimeResult = await adapter.run(
        { taskId, model, systemPrompt: a.systemPrompt, prompt: a.prompt, tools: a.tools, maxTurns: caps.maxTurns, maxOutputTokens: 4096, signal: a.signal, deadlineAt: Date.now() + timeoutMs, streamIdleTimeoutMs: Math.min(60_000, timeoutMs) },
        tracker,
      );
      await tracker.settle();
      // A write that did not commit ends the step, whatever the runtime reported: its spend is unaccounted.
      const failure = tracker.writeFailure ?? (result.status === 'COMPLETED' ? undefined : result.failure ?? { category: 'UNKNOWN', message: 'The runtime ended without saying why.', retryable: false });
      const evidence = this.evidenceFor(failure, tracker, a, model, caps.maxTurns);
      return await this.finish(a, taskId, failure ? { status: tracker.writeFailure ? 'FAILED' : result.status, output: result.output, turns: result.turns, failure, evidence } : { status: 'COMPLETED', output: result.output, turns: result.turns }, tracker);
    } catch (error) {
      await tracker?.settle();
      const failure = classifyEngineError(error, a.signal);
      return this.finish(a, taskId, { status: failure.category === 'CANCELLED' ? 'CANCELLED' : 'FAILED', output: tracker?.output ?? '', turns: tracker?.turns ?? 0, failure, evidence: { providerMessage: failure.message } }, tracker);
    }
  }

  private evidenceFor(failure: ClassifiedFailure | undefined, tracker: LiveStepTracker, a: StepAttempt, model: string, maxTurns: number): FailureEvidence {
    if (!failure) return {};
    const base: FailureEvidence = { providerMessage: failure.message, httpStatus: failure.httpStatus, retries: tracker.retries || undefined, turns: tracker.turns, maxTurns };
    if (failure.category === 'BUDGET_EXCEEDED') return { ...base, ...tracker.lastEvidence };
    if (failure.category === 'CONTEXT_TOO_LARGE') return { ...base, promptTokens: countTokens(a.systemPrompt + a.prompt, model).tokens, contextWindow: priceFor(model)?.contextWindow };
    return base;
  }

  private async finish(a: StepAttempt, taskId: string, r: { status: 'COMPLETED' | 'FAILED' | 'CANCELLED'; output: string; turns: number; failure?: ClassifiedFailure; evidence?: FailureEvidence }, tracker: LiveStepTracker | null): Promise<StepOutcome> {
    const now = this.resources.clock.now();
    const startedAt = a.row.startedAt ?? now;
    await inSqlTransaction(this.resources, async (uow) => {
      const taskExists = a.row.taskId === taskId;
      // The step's final totals (the tracker keeps them on the row object): they include any model call whose live write failed.
      const totals = { inputTokens: a.row.inputTokens, outputTokens: a.row.outputTokens, cacheReadTokens: a.row.cacheReadTokens, cacheWriteTokens: a.row.cacheWriteTokens, costMicros: a.row.costMicros };
      if (taskExists)
        await updateRows(uow.sql, TaskSchema, { id: taskId }, { ...totals, status: r.status, output: r.output, error: r.failure?.message ?? null, failureCategory: r.failure?.category ?? null, turns: r.turns, finishedAt: now });
      const lost = tracker?.unrecorded;
      if (lost && (lost.inputTokens || lost.outputTokens || lost.costMicros))
        await incrementRow(uow.sql, WorkflowRunSchema, a.runId, { inputTokens: lost.inputTokens, outputTokens: lost.outputTokens, costMicros: lost.costMicros }, { updatedAt: now });
      const common = { ...totals, pricingKnown: a.row.pricingKnown, output: r.output || null, turns: r.turns, currentTool: null, finishedAt: now, durationMs: now - startedAt, updatedAt: now };
      const step = r.status === 'COMPLETED'
        ? { ...common, error: null, failureCategory: null }
        : { ...common, error: r.failure!.message, failureCategory: r.failure!.category, evidence: r.evidence ?? null };
      await transitionStepRow(uow.sql, a.row, r.status, step);
      Object.assign(a.row, step);
      const kind = r.status === 'COMPLETED' ? 'STEP_COMPLETED' : r.status === 'CANCELLED' ? 'STEP_CANCELLED' : 'STEP_FAILED';
      const message = r.status === 'COMPLETED'
        ? `Step "${a.step.name}" completed in ${formatDuration(now - startedAt)}, ${formatUsd(a.row.costMicros / 1e6)}.`
        : `Step "${a.step.name}" ${r.status === 'CANCELLED' ? 'was cancelled' : `failed (${r.failure!.category})`}: ${r.failure!.message}`;
      uow.emit({ kind, workflowId: a.workflowId, runId: a.runId, stepId: a.step.id, taskId: taskExists ? taskId : null, message, costUsd: a.row.costMicros / 1e6, inputTokens: a.row.inputTokens, outputTokens: a.row.outputTokens, step: toStepRunView(a.row), data: r.failure ? { category: r.failure.category } : undefined });
    });
    if (r.status === 'COMPLETED') return { status: 'COMPLETED', output: r.output, reused: false };
    if (r.status === 'CANCELLED') return { status: 'CANCELLED' };
    return { status: 'FAILED', category: r.failure!.category, error: r.failure!.message };
  }
}

/** Errors thrown inside the engine (not by a provider): cancellation, unknown runtime, bugs. */
function classifyEngineError(error: unknown, signal: AbortSignal): ClassifiedFailure {
  if (signal.aborted) return { category: 'CANCELLED', message: 'Cancelled by user.', retryable: false };
  const code = (error as { code?: string }).code;
  if (code === 'NOT_FOUND') return { category: 'INVALID_REQUEST', message: (error as Error).message, retryable: false };
  return { category: 'UNKNOWN', message: error instanceof Error ? error.message : String(error), retryable: false };
}
