import type { ExecutionStatsView } from './intelligence-types.js';
import type { EngineResources } from '../resources.js';
import { createStatsBucketIfMissing, listStatsBuckets, lockStatsBucket, writeStatsBucket, type StatsBucket } from '../db/stats-store.js';
import type { SqlExecutor } from '../db/sql-executor.js';

/** One finished run, as folded into the stats of its (pattern, step count) bucket. */
export interface RunOutcome {
  pattern: string;
  /** Steps in the definition, delay steps included. */
  stepCount: number;
  /** Whether the run ended COMPLETED. */
  succeeded: boolean;
  /** The run's failure category when it failed (counted in `failureCounts`), else null. */
  failureCategory: string | null;
  /** Total cost of the run, USD. */
  costUsd: number;
  /** Wall-clock duration of the run, ms. */
  durationMs: number;
  /** Mean documents each step received (global bindings count once per step). */
  docsPerStep: number;
  /** Runtimes the run's steps used; each distinct one counts one run (and one success if it succeeded). */
  runtimeIds: string[];
  /** Epoch ms. */
  now: number;
}

/** Bucket id: `<pattern>:<stepCount>`, e.g. `SEQUENCE:3`. */
export function statsBucketId(pattern: string, stepCount: number): string {
  return `${pattern}:${stepCount}`;
}

/** New running mean after adding sample `x` as the `n`-th sample (n ≥ 1): mean + (x − mean) / n. */
export function nextMean(mean: number | null, x: number, n: number): number {
  return mean === null || n <= 1 ? x : mean + (x - mean) / n;
}

/** Running mean of `n` samples after removing sample `x` from them: (n·mean − x) / (n − 1); null when none remain. */
export function previousMean(mean: number | null, x: number, n: number): number | null {
  return mean === null || n <= 1 ? null : (n * mean - x) / (n - 1);
}

/**
 * Folds one finished run into its bucket's running means, counts and per-runtime tallies,
 * without rereading history. Call it once per run, at its terminal transition, with the
 * executor of the transaction that finishes the run. The bucket row is created if missing
 * (`on conflict do nothing`, so two first runs of a bucket do not collide), then read with a row
 * lock and written back: concurrent finishes on PostgreSQL wait for each other instead of
 * folding into the same old means and losing samples.
 */
export async function recordRunOutcome(sql: SqlExecutor, outcome: RunOutcome): Promise<void> {
  const id = statsBucketId(outcome.pattern, outcome.stepCount);
  await createStatsBucketIfMissing(sql, { id, pattern: outcome.pattern, stepCount: outcome.stepCount, now: outcome.now });
  const row = await lockStatsBucket(sql, id);
  if (!row) return;
  fold(row, outcome);
  await writeStatsBucket(sql, row);
}

/**
 * Takes back an outcome recorded earlier, so a run counts once: call it in the transaction that
 * re-opens a finished run (retrying a step of a FAILED run), with the outcome recorded when it
 * finished (built the same way, from the run as it is before the retry). When the run finishes
 * again, {@link recordRunOutcome} records its new outcome. No-op when the bucket has no samples.
 * Locks the bucket row as {@link recordRunOutcome} does.
 */
export async function retractRunOutcome(sql: SqlExecutor, outcome: RunOutcome): Promise<void> {
  const row = await lockStatsBucket(sql, statsBucketId(outcome.pattern, outcome.stepCount));
  if (!row || row.sampleCount === 0) return;
  unfold(row, outcome);
  await writeStatsBucket(sql, row);
}

function unfold(row: StatsBucket, outcome: RunOutcome): void {
  const n = row.sampleCount;
  const perStep = (v: number) => (outcome.stepCount > 0 ? v / outcome.stepCount : 0);
  row.meanCostPerStepUsd = previousMean(row.meanCostPerStepUsd ?? null, perStep(outcome.costUsd), n);
  row.meanDurationPerStepMs = previousMean(row.meanDurationPerStepMs ?? null, perStep(outcome.durationMs), n);
  row.meanDocsPerStep = previousMean(row.meanDocsPerStep ?? null, outcome.docsPerStep, n);
  row.sampleCount = n - 1;
  if (outcome.succeeded) row.successCount = Math.max(0, row.successCount - 1);
  const failures = { ...row.failureCounts };
  const category = outcome.failureCategory;
  if (!outcome.succeeded && category && failures[category]) {
    if (failures[category] > 1) failures[category] -= 1;
    else delete failures[category];
  }
  row.failureCounts = failures;
  const runtimes = { ...row.runtimeRuns };
  for (const runtimeId of new Set(outcome.runtimeIds)) {
    const old = runtimes[runtimeId];
    if (!old) continue;
    if (old.runs <= 1) delete runtimes[runtimeId];
    else runtimes[runtimeId] = { runs: old.runs - 1, successes: Math.max(0, old.successes - (outcome.succeeded ? 1 : 0)) };
  }
  row.runtimeRuns = runtimes;
  row.updatedAt = outcome.now;
}

function fold(row: StatsBucket, outcome: RunOutcome): void {
  const n = row.sampleCount + 1;
  const perStep = (v: number) => (outcome.stepCount > 0 ? v / outcome.stepCount : 0);
  row.meanCostPerStepUsd = nextMean(row.meanCostPerStepUsd ?? null, perStep(outcome.costUsd), n);
  row.meanDurationPerStepMs = nextMean(row.meanDurationPerStepMs ?? null, perStep(outcome.durationMs), n);
  row.meanDocsPerStep = nextMean(row.meanDocsPerStep ?? null, outcome.docsPerStep, n);
  row.sampleCount = n;
  if (outcome.succeeded) row.successCount += 1;
  // New objects so the ORM sees the JSON columns change.
  const failures = { ...row.failureCounts };
  if (!outcome.succeeded && outcome.failureCategory) failures[outcome.failureCategory] = (failures[outcome.failureCategory] ?? 0) + 1;
  row.failureCounts = failures;
  const runtimes = { ...row.runtimeRuns };
  for (const runtimeId of new Set(outcome.runtimeIds)) {
    const old = runtimes[runtimeId] ?? { runs: 0, successes: 0 };
    runtimes[runtimeId] = { runs: old.runs + 1, successes: old.successes + (outcome.succeeded ? 1 : 0) };
  }
  row.runtimeRuns = runtimes;
  row.updatedAt = outcome.now;
}

/** A stats row as the facade returns it: success rates are successes / runs (0..1). */
export function toStatsView(row: StatsBucket): ExecutionStatsView {
  const runtimeSuccessRates: Record<string, number> = {};
  for (const [runtimeId, tally] of Object.entries(row.runtimeRuns ?? {})) {
    if (tally.runs > 0) runtimeSuccessRates[runtimeId] = tally.successes / tally.runs;
  }
  return {
    pattern: row.pattern,
    stepCount: row.stepCount,
    sampleCount: row.sampleCount,
    successRate: row.sampleCount > 0 ? row.successCount / row.sampleCount : 0,
    avgCostPerStepUsd: row.meanCostPerStepUsd ?? null,
    avgDurationPerStepMs: row.meanDurationPerStepMs === null || row.meanDurationPerStepMs === undefined ? null : Math.round(row.meanDurationPerStepMs),
    avgDocsPerStep: row.meanDocsPerStep ?? null,
    commonFailures: { ...(row.failureCounts ?? {}) },
    runtimeSuccessRates,
  };
}

/** Every bucket, ordered by pattern then step count. */
export async function listExecutionStats(resources: Pick<EngineResources, 'orm'>): Promise<ExecutionStatsView[]> {
  const rows = await listStatsBuckets(resources);
  return rows.map(toStatsView);
}
