import { resolveCostCap } from '../budget/cap-resolver.js';
import { checkCaps, type TaskCaps } from '../budget/cap-check.js';
import { withSqlExecutor } from '../db/sql-executor.js';
import { TaskSchema } from '../db/entities/task.entity.js';
import { UsageLedgerSchema } from '../db/entities/usage-ledger.entity.js';
import { newId } from '../ids.js';
import type { EngineResources } from '../resources.js';
import type { ClassifiedFailure } from '../runtimes/failure-category.js';
import { costMicros } from '../runtimes/pricing.js';
import type { ModelCallUsage, RuntimeHooks, RuntimeResult, UsageVerdict } from '../runtimes/runtime.js';
import type { SettingsSystem } from '../settings/settings-system.js';
import { FiringStatus, type FiringOutcome, type ScheduledTaskInput } from './schedule-executor.js';

/** Output tokens allowed per model call of a scheduled task. */
const MAX_OUTPUT_TOKENS = 4096;
/** A silent stream counts as stalled after this long, ms (capped by the task timeout). */
const STREAM_IDLE_MS = 60_000;

/**
 * The system prompt of a prompt firing: it states the task's real turn limit (the one the
 * runtime enforces, not a global default) and asks for batched work, the cheapest way to stay
 * inside it.
 */
export function scheduledTaskSystemPrompt(maxTurns: number): string {
  return [
    'You are running a scheduled task without a human watching.',
    `You have at most ${maxTurns} turns (model calls). Plan for that limit.`,
    'Batch your work: one search or query covering every item, never one tool call per item.',
  ].join('\n');
}

/**
 * Runs a schedule's prompt as one standalone task (`tasks.kind = SCHEDULE`) on the schedule's
 * own runtime and budget: runtime = schedule > setting `routing.defaultRuntime` > first
 * available; cost cap from the one resolver (schedule budget > setting > $2); the token and
 * daily caps and the turn limit from settings. Every model call writes a ledger row and is
 * checked against the caps. The outcome's `turns` is read back from the task row.
 */
export class ScheduledTaskRunner {
  constructor(
    private readonly resources: EngineResources,
    private readonly settings: SettingsSystem,
  ) {}

  async run(input: ScheduledTaskInput): Promise<FiringOutcome> {
    const { resources } = this;
    const signal = input.signal;
    const runtimeId = input.runtimeId ?? (await this.settings.get<string>('routing.defaultRuntime')) ?? (await resources.catalog.firstAvailable())?.id ?? null;
    if (!runtimeId || !resources.catalog.has(runtimeId))
      return { status: FiringStatus.FAILED, turns: 0, failureCategory: 'INVALID_REQUEST', error: runtimeId ? `Runtime "${runtimeId}" is not in the catalog.` : 'No runtime is available.' };
    const adapter = resources.catalog.get(runtimeId);
    const model = await resources.catalog.resolveModel(runtimeId, null);
    const caps: TaskCaps = {
      costUsd: resolveCostCap({ stepBudgetUsd: input.budgetUsd, settingBudgetUsd: await this.settings.get<number>('budget.maxCostPerTaskUsd'), kind: 'standalone' }).capUsd,
      maxTokens: await this.settings.get<number>('budget.maxTokensPerTask'),
      dailyUsd: await this.settings.get<number>('budget.maxDailyCostUsd'),
      maxTurns: (await this.settings.get<number>('runtime.maxTurns')) ?? 10,
    };
    const timeoutMs = (await this.settings.get<number>('runtime.timeoutMs')) ?? 600_000;
    const taskId = newId();
    const em = resources.orm.em.fork();
    await em.insert(TaskSchema, {
      id: taskId, createdAt: resources.clock.now(), kind: 'SCHEDULE', workflowId: null, runId: null, stepRunId: null, scheduleId: input.scheduleId,
      status: 'RUNNING', runtimeId, modelId: model, prompt: input.prompt, budgetUsd: caps.costUsd, startedAt: resources.clock.now(),
    });
    const hooks = new ScheduledTaskHooks(resources, { taskId, runtimeId }, caps);
    let result: RuntimeResult;
    try {
      result = await adapter.run(
        { taskId, model, systemPrompt: scheduledTaskSystemPrompt(caps.maxTurns), prompt: input.prompt, tools: [], maxTurns: caps.maxTurns, maxOutputTokens: MAX_OUTPUT_TOKENS,
          signal, deadlineAt: Date.now() + timeoutMs, streamIdleTimeoutMs: Math.min(STREAM_IDLE_MS, timeoutMs) },
        hooks,
      );
    } catch (error) {
      result = signal.aborted
        ? { status: 'CANCELLED', output: hooks.output, turns: hooks.turns, failure: { category: 'CANCELLED', message: 'The scheduler stopped.', retryable: false } }
        : { status: 'FAILED', output: hooks.output, turns: hooks.turns, failure: { category: 'UNKNOWN', message: error instanceof Error ? error.message : String(error), retryable: false } };
    }
    await hooks.settled();
    const failure: ClassifiedFailure | undefined = result.status === 'COMPLETED' ? undefined : result.failure ?? { category: 'UNKNOWN', message: 'The runtime ended without saying why.', retryable: false };
    await em.nativeUpdate(TaskSchema, { id: taskId }, {
      status: result.status, output: result.output, error: failure?.message ?? null, failureCategory: failure?.category ?? null, turns: result.turns, finishedAt: resources.clock.now(),
    });
    const row = await resources.orm.em.fork().findOneOrFail(TaskSchema, { id: taskId });
    return { status: result.status, turns: row.turns, failureCategory: failure?.category ?? null, error: failure?.message ?? null, taskId };
  }
}

/** Runtime hooks of a scheduled task: turn count, output, one ledger row per call, cap checks. */
class ScheduledTaskHooks implements RuntimeHooks {
  turns = 0;
  output = '';
  private inputTokens = 0;
  private outputTokens = 0;
  private costMicrosTotal = 0;
  private pricingKnown = true;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly resources: EngineResources,
    private readonly ids: { taskId: string; runtimeId: string },
    private readonly caps: TaskCaps,
  ) {}

  onTurnStart(turn: number): void {
    this.turns = turn;
  }
  onOutputDelta(text: string): void {
    this.output += text;
  }
  onToolStart(): void {}
  onToolFinish(): void {}
  onRetry(info: { attempt: number; delayMs: number; failure: ClassifiedFailure }): void {
    this.resources.logger.info('Scheduled task call retried', { taskId: this.ids.taskId, attempt: info.attempt, category: info.failure.category });
  }

  async onUsage(usage: ModelCallUsage): Promise<UsageVerdict> {
    const micros = costMicros(usage);
    this.inputTokens += usage.inputTokens;
    this.outputTokens += usage.outputTokens;
    this.costMicrosTotal += micros ?? 0;
    if (micros === null) this.pricingKnown = false;
    const em = this.resources.orm.em.fork();
    const now = this.resources.clock.now();
    const write = (async () => {
      await em.insert(UsageLedgerSchema, {
        id: newId(), createdAt: now, taskId: this.ids.taskId, workflowId: null, runId: null, stepId: null, runtimeId: this.ids.runtimeId, modelId: usage.model,
        inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, cacheReadTokens: usage.cacheReadTokens ?? 0, cacheWriteTokens: usage.cacheWriteTokens ?? 0,
        costMicros: micros ?? 0, status: micros === null ? 'unknown_pricing' : 'ok',
      });
      await em.nativeUpdate(TaskSchema, { id: this.ids.taskId }, { inputTokens: this.inputTokens, outputTokens: this.outputTokens, costMicros: this.costMicrosTotal, turns: this.turns });
    })();
    this.writes = this.writes.then(() => write);
    await write;
    const stop = await withSqlExecutor(this.resources.orm, (sql) => checkCaps(sql, this.caps, { spentUsd: this.costMicrosTotal / 1_000_000, pricingKnown: this.pricingKnown, tokens: this.inputTokens + this.outputTokens, turns: this.turns }, now));
    return stop ? { stop: true, failure: stop.failure } : { stop: false };
  }

  /** Resolves when every ledger write has finished. */
  settled(): Promise<unknown> {
    return this.writes;
  }
}
