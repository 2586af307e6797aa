import type { MikroORM } from '../db/orm-types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/orm.js';
import { sqlTransaction } from '../db/sql-executor.js';
import { WorkflowExecutionStatsSchema } from '../db/entities/workflow-execution-stats.entity.js';
import { listExecutionStats, nextMean, recordRunOutcome, retractRunOutcome, type RunOutcome } from './execution-stats.js';

let orm: MikroORM;
beforeEach(async () => {
  orm = await openDatabase({ dataDir: ':memory:' });
});
afterEach(async () => {
  await orm.close(true);
});

const outcome = (o: Partial<RunOutcome>): RunOutcome => ({
  pattern: 'SEQUENCE',
  stepCount: 3,
  succeeded: true,
  failureCategory: null,
  costUsd: 0.03,
  durationMs: 3_000,
  docsPerStep: 1,
  runtimeIds: ['simulated'],
  now: 1_000,
  ...o,
});

/** Records each outcome in its own transaction, as the engine does when a run finishes. */
async function record(...outcomes: RunOutcome[]): Promise<void> {
  for (const o of outcomes) await sqlTransaction(orm, (sql) => recordRunOutcome(sql, o));
}

describe('execution stats', () => {
  it('running means match hand-computed values', async () => {
    // Per-step costs 0.01, 0.02, 0.06 → mean 0.03; per-step durations 1000, 2000, 6000 → 3000 ms.
    await record(
      outcome({ costUsd: 0.03, durationMs: 3_000, docsPerStep: 1 }),
      outcome({ costUsd: 0.06, durationMs: 6_000, docsPerStep: 2 }),
      outcome({ costUsd: 0.18, durationMs: 18_000, docsPerStep: 0, succeeded: false, failureCategory: 'BUDGET_EXCEEDED', now: 5_000 }),
    );
    const [view] = await listExecutionStats({ orm });
    expect(view).toMatchObject({ pattern: 'SEQUENCE', stepCount: 3, sampleCount: 3, avgDurationPerStepMs: 3_000, commonFailures: { BUDGET_EXCEEDED: 1 } });
    expect(view!.avgCostPerStepUsd).toBeCloseTo(0.03, 12);
    expect(view!.avgDocsPerStep).toBeCloseTo(1, 12);
    expect(view!.successRate).toBeCloseTo(2 / 3, 12);
    const row = await orm.em.fork().findOneOrFail(WorkflowExecutionStatsSchema, { id: 'SEQUENCE:3' });
    expect(row.updatedAt).toBe(5_000);
    expect(row.successCount).toBe(2);
  });

  it('the reference worked example: n=3 at 10,000 micro-USD per step plus a run at 20,000 gives 12,500', () => {
    expect(nextMean(0.01, 0.02, 4)).toBeCloseTo(0.0125, 12);
    expect(nextMean(null, 0.02, 1)).toBe(0.02);
  });

  it('per-runtime success rate = successes / runs, each distinct runtime of a run counted once', async () => {
    await record(
      outcome({ runtimeIds: ['anthropic-direct', 'ollama', 'ollama'] }),
      outcome({ runtimeIds: ['anthropic-direct'], succeeded: false, failureCategory: 'RATE_LIMITED' }),
      outcome({ runtimeIds: ['ollama'] }),
      outcome({ runtimeIds: ['anthropic-direct'] }),
      outcome({ runtimeIds: ['ollama'], succeeded: false, failureCategory: 'CONNECTION' }),
    );
    const [view] = await listExecutionStats({ orm });
    // anthropic-direct: runs 1,2,4 → 2 of 3; ollama: runs 1,3,5 → 2 of 3 (the duplicate in run 1 counts once).
    expect(view!.runtimeSuccessRates).toEqual({ 'anthropic-direct': 2 / 3, ollama: 2 / 3 });
    expect(view!.commonFailures).toEqual({ RATE_LIMITED: 1, CONNECTION: 1 });
    const row = await orm.em.fork().findOneOrFail(WorkflowExecutionStatsSchema, { id: 'SEQUENCE:3' });
    expect(row.runtimeRuns).toEqual({ 'anthropic-direct': { runs: 3, successes: 2 }, ollama: { runs: 3, successes: 2 } });
  });

  it('keeps one bucket per (pattern, step count), listed in order', async () => {
    await record(
      outcome({ pattern: 'SEQUENCE', stepCount: 2 }),
      outcome({ pattern: 'PARALLEL', stepCount: 4 }),
      outcome({ pattern: 'SEQUENCE', stepCount: 3 }),
    );
    const views = await listExecutionStats({ orm });
    expect(views.map((v) => `${v.pattern}:${v.stepCount}:${v.sampleCount}`)).toEqual(['PARALLEL:4:1', 'SEQUENCE:2:1', 'SEQUENCE:3:1']);
  });

  it('writes nothing when the finishing transaction rolls back', async () => {
    await expect(
      sqlTransaction(orm, async (sql) => {
        await recordRunOutcome(sql, outcome({}));
        throw new Error('run transition lost its compare-and-set');
      }),
    ).rejects.toThrow('compare-and-set');
    expect(await listExecutionStats({ orm })).toEqual([]);
  });

  it('a retried run counts once: its failed outcome is retracted before the completed one is recorded', async () => {
    const kept = outcome({ costUsd: 0.03, durationMs: 3_000, runtimeIds: ['simulated'] });
    const failedFirst = outcome({
      costUsd: 0.3,
      durationMs: 30_000,
      docsPerStep: 4,
      succeeded: false,
      failureCategory: 'BUDGET_EXCEEDED',
      runtimeIds: ['simulated', 'ollama'],
    });
    const completedOnRetry = outcome({ costUsd: 0.09, durationMs: 9_000, runtimeIds: ['simulated'] });
    await record(kept, failedFirst);
    await sqlTransaction(orm, (sql) => retractRunOutcome(sql, failedFirst));
    await record(completedOnRetry);
    const [view] = await listExecutionStats({ orm });
    // Same as if only `kept` and `completedOnRetry` had ever been recorded: per-step cost (0.01 + 0.03) / 2.
    expect(view).toMatchObject({ sampleCount: 2, successRate: 1, commonFailures: {}, runtimeSuccessRates: { simulated: 1 }, avgDurationPerStepMs: 2_000 });
    expect(view!.avgCostPerStepUsd).toBeCloseTo(0.02, 12);
    expect(view!.avgDocsPerStep).toBeCloseTo(1, 12);
  });

  it('retracting the only sample empties the bucket; retracting from nothing is a no-op', async () => {
    await sqlTransaction(orm, (sql) => retractRunOutcome(sql, outcome({})));
    expect(await listExecutionStats({ orm })).toEqual([]);
    await record(outcome({}));
    await sqlTransaction(orm, (sql) => retractRunOutcome(sql, outcome({})));
    const [view] = await listExecutionStats({ orm });
    expect(view).toMatchObject({ sampleCount: 0, successRate: 0, avgCostPerStepUsd: null, runtimeSuccessRates: {} });
  });
});
