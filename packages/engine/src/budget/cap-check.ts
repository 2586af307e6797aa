import type { SqlExecutor } from '../db/sql-executor.js';
import type { FailureEvidence } from '../db/entities/step-run.entity.js';
import type { ClassifiedFailure } from '../runtimes/failure-category.js';
import { spentTodayUsd } from './spend-guard.js';
import { formatCount, formatUsd } from '../format/index.js';

/** Caps that apply to one task. */
export interface TaskCaps {
  /** Resolved cost cap, USD. */
  costUsd: number;
  /** Token cap (input + output), tokens; null = none. */
  maxTokens: number | null;
  /** Spend cap per UTC day across all tasks, USD; null = none. */
  dailyUsd: number | null;
  maxTurns: number;
  /** What reaching a cost, token or daily cap does: stop the step PAUSED where it stands, or fail it. Only workflow steps pause. */
  onCapReached: 'pause' | 'fail';
}

/**
 * Decides after a model call whether a cap stops the task: the cost cap (only when every call
 * was priced), the token cap, then the daily cap. Returns the failure and its evidence, or null.
 */
export async function checkCaps(
  sql: SqlExecutor,
  caps: TaskCaps,
  spent: { spentUsd: number; pricingKnown: boolean; tokens: number; turns: number },
  now: number,
): Promise<{ failure: ClassifiedFailure; evidence: FailureEvidence } | null> {
  const base = { turns: spent.turns, maxTurns: caps.maxTurns, spentUsd: spent.spentUsd };
  const stop = (message: string, evidence: FailureEvidence) => ({
    failure: { category: 'BUDGET_EXCEEDED' as const, message, retryable: false },
    evidence: { ...base, ...evidence },
  });
  if (spent.pricingKnown && spent.spentUsd >= caps.costUsd)
    return stop(`Spent ${formatUsd(spent.spentUsd)}, reaching the cost cap of ${formatUsd(caps.costUsd)}.`, { capUsd: caps.costUsd });
  if (caps.maxTokens !== null && spent.tokens >= caps.maxTokens)
    return stop(`Used ${formatCount(spent.tokens)} tokens, reaching the token cap of ${formatCount(caps.maxTokens)} (budget.maxTokensPerTask).`, {
      tokensUsed: spent.tokens,
      tokenCap: caps.maxTokens,
    });
  if (caps.dailyUsd !== null) {
    const today = await spentTodayUsd(sql, now);
    if (today >= caps.dailyUsd)
      return stop(
        `Spend today is ${formatUsd(today)}, reaching the daily cap of ${formatUsd(caps.dailyUsd)} (budget.maxDailyCostUsd). ${dailyResetText(now)}`,
        {
          dailySpentUsd: today,
          dailyCapUsd: caps.dailyUsd,
        },
      );
  }
  return null;
}

/** When the daily cap's UTC day ends, said so that a user knows how long a resume would have to wait. */
export function dailyResetText(now: number): string {
  const next = new Date(now);
  next.setUTCHours(24, 0, 0, 0);
  const minutes = Math.ceil((next.getTime() - now) / 60_000);
  return `It resets at 00:00 UTC (in ${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m).`;
}
