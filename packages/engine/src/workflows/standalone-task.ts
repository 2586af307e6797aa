import { TaskSchema } from '../db/entities/task.entity.js';
import { UsageLedgerSchema } from '../db/entities/usage-ledger.entity.js';
import { newId } from '../ids.js';
import type { EngineResources } from '../resources.js';
import { checkCaps, type TaskCaps } from '../budget/cap-check.js';
import { costMicros } from '../runtimes/pricing.js';
import type { ClassifiedFailure } from '../runtimes/failure-category.js';
import type { ModelCallUsage, RuntimeHooks, UsageVerdict } from '../runtimes/runtime.js';
import type { SettingsSystem } from '../settings/settings-system.js';
import type { TaskRunner } from './task-runner.js';

/** A task outside any workflow (a schedule firing): what to run and where. */
export interface StandaloneTaskInput {
  prompt: string;
  /** Null: setting `routing.defaultRuntime`, else the first available runtime. */
  runtimeId: string | null;
  /** Null: setting `budget.maxCostPerTaskUsd`, else $2. */
  budgetUsd: number | null;
  scheduleId?: string | null;
}

/** How a standalone task ended; `turns` is the task row's real model-turn count. */
export interface StandaloneTaskResult {
  taskId: string;
  status: 'COMPLETED' | 'FAILED' | 'CANCELLED';
  turns: number;
  output: string;
  failureCategory: string | null;
  error: string | null;
  costUsd: number;
}

/**
 * Runs one standalone task with the same runtime resolution, cap resolver, cap checks and usage
 * ledger as workflow steps; it has no step row and emits no workflow events.
 */
export async function runStandaloneTask(resources: EngineResources, settings: SettingsSystem, runner: TaskRunner, input: StandaloneTaskInput, signal?: AbortSignal): Promise<StandaloneTaskResult> {
  const runtimeId = await runner.resolveRuntimeId({ runtimeId: input.runtimeId }, { runtimeId: null });
  const adapter = resources.catalog.get(runtimeId);
  const model = await resources.catalog.resolveModel(runtimeId, null);
  const caps: TaskCaps = {
    costUsd: await runner.resolveCap({ budgetUsd: input.budgetUsd }, { budgetUsd: null }, 'standalone'),
    maxTokens: await settings.get<number>('budget.maxTokensPerTask'),
    dailyUsd: await settings.get<number>('budget.maxDailyCostUsd'),
    maxTurns: (await settings.get<number>('runtime.maxTurns')) ?? 10,
  };
  const timeoutMs = (await settings.get<number>('runtime.timeoutMs')) ?? 600_000;
  const taskId = newId();
  const now = resources.clock.now();
  await resources.orm.em.fork().insert(TaskSchema, {
    id: taskId, createdAt: now, kind: input.scheduleId ? 'SCHEDULE' : 'STANDALONE', workflowId: null, runId: null, stepRunId: null, scheduleId: input.scheduleId ?? null,
    status: 'RUNNING', runtimeId, modelId: model, prompt: input.prompt, budgetUsd: caps.costUsd, startedAt: now,
  });
  const totals = { input: 0, output: 0, micros: 0, priced: true, turns: 0 };
  const hooks: RuntimeHooks = {
    onTurnStart: (turn) => void (totals.turns = turn),
    onOutputDelta: () => {},
    onToolStart: () => {},
    onToolFinish: () => {},
    onRetry: () => {},
    async onUsage(usage: ModelCallUsage): Promise<UsageVerdict> {
      const micros = costMicros(usage);
      totals.input += usage.inputTokens;
      totals.output += usage.outputTokens;
      totals.micros += micros ?? 0;
      if (micros === null) totals.priced = false;
      const at = resources.clock.now();
      return resources.orm.em.fork().transactional(async (em) => {
        await em.insert(UsageLedgerSchema, {
          id: newId(), createdAt: at, taskId, workflowId: null, runId: null, stepId: null, runtimeId, modelId: usage.model, inputTokens: usage.inputTokens,
          outputTokens: usage.outputTokens, cacheReadTokens: usage.cacheReadTokens ?? 0, cacheWriteTokens: usage.cacheWriteTokens ?? 0, costMicros: micros ?? 0, status: micros === null ? 'unknown_pricing' : 'ok',
        });
        await em.nativeUpdate(TaskSchema, { id: taskId }, { inputTokens: totals.input, outputTokens: totals.output, costMicros: totals.micros, turns: totals.turns });
        const stop = await checkCaps(em, caps, { spentUsd: totals.micros / 1e6, pricingKnown: totals.priced, tokens: totals.input + totals.output, turns: totals.turns }, at);
        return stop ? { stop: true, failure: stop.failure } : { stop: false };
      });
    },
  };
  let result: { status: 'COMPLETED' | 'FAILED' | 'CANCELLED'; output: string; turns: number; failure?: ClassifiedFailure };
  try {
    result = await adapter.run({ taskId, model, systemPrompt: 'You are an agent running a scheduled task. Answer in Markdown.', prompt: input.prompt, tools: [], maxTurns: caps.maxTurns, maxOutputTokens: 4096, signal: signal ?? new AbortController().signal, deadlineAt: Date.now() + timeoutMs, streamIdleTimeoutMs: Math.min(60_000, timeoutMs) }, hooks);
  } catch (error) {
    result = { status: 'FAILED', output: '', turns: totals.turns, failure: { category: 'UNKNOWN', message: error instanceof Error ? error.message : String(error), retryable: false } };
  }
  const failure = result.status === 'COMPLETED' ? null : (result.failure ?? { category: 'UNKNOWN', message: 'The runtime ended without saying why.', retryable: false });
  await resources.orm.em.fork().nativeUpdate(TaskSchema, { id: taskId }, { status: result.status, output: result.output, error: failure?.message ?? null, failureCategory: failure?.category ?? null, turns: result.turns, finishedAt: resources.clock.now() });
  return { taskId, status: result.status, turns: result.turns, output: result.output, failureCategory: failure?.category ?? null, error: failure?.message ?? null, costUsd: totals.micros / 1e6 };
}
