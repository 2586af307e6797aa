import type { MikroORM } from '../db/orm-types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/orm.js';
import { sqlTransaction } from '../db/sql-executor.js';
import type { WorkflowDefinitionInput } from '../workflows/definition.js';
import { recordRunOutcome } from './execution-stats.js';
import { optimize } from './optimizer.js';
import { loadOptimizerHistory } from './optimizer-history.js';
import { seedSteps } from '../testing/step-history-seed.js';

let orm: MikroORM;
beforeEach(async () => {
  orm = await openDatabase({ dataDir: ':memory:' });
});
afterEach(async () => {
  await orm.close(true);
});

const definition: WorkflowDefinitionInput = {
  name: 'Digest',
  pattern: 'SEQUENCE',
  runtimeId: 'simulated',
  steps: [
    { id: 'fetch', name: 'Fetch', prompt: 'Fetch the news.', budgetUsd: 0.1 },
    { id: 'digest', name: 'Digest', prompt: 'Write the digest.', modelId: 'simulated-fast' },
  ],
};

describe('loadOptimizerHistory', () => {
  it('collects comparable completed costs per step and the buckets of the same step count', async () => {
    await seedSteps(orm.em.fork(), [
      { runId: 'r1', pattern: 'SEQUENCE', name: 'Fetch', costUsd: 0.1 },
      { runId: 'r2', pattern: 'SEQUENCE', name: 'Fetch', costUsd: 0.12 },
      { runId: 'r3', pattern: 'SEQUENCE', name: 'Fetch', costUsd: 0.14, finishedAt: 200_000 },
      { runId: 'r4', pattern: 'SEQUENCE', name: 'Fetch', costUsd: 0.9, status: 'FAILED' }, // cut off: not comparable
      { runId: 'r5', pattern: 'PARALLEL', name: 'Fetch', costUsd: 0.9 }, // other pattern
      { runId: 'r6', pattern: 'SEQUENCE', name: 'Digest', costUsd: 0.5 }, // other model than the step names
      { runId: 'r7', pattern: 'SEQUENCE', name: 'Digest', costUsd: 0.05, modelId: 'simulated-fast' },
    ]);
    await sqlTransaction(orm, async (sql) => {
      const base = { succeeded: true, failureCategory: null, costUsd: 0.1, durationMs: 10, docsPerStep: 0, runtimeIds: ['simulated'], now: 1 };
      await recordRunOutcome(sql, { ...base, pattern: 'SEQUENCE', stepCount: 2 });
      await recordRunOutcome(sql, { ...base, pattern: 'CHECKPOINT', stepCount: 2 });
      await recordRunOutcome(sql, { ...base, pattern: 'SEQUENCE', stepCount: 3 });
    });
    const history = await loadOptimizerHistory({ orm }, definition, { defaultRuntimeId: 'simulated' });
    expect(history.stepCostsUsd).toEqual([[0.14, 0.12, 0.1], [0.05]]);
    expect(history.buckets.map((b) => `${b.pattern}:${b.stepCount}`)).toEqual(['CHECKPOINT:2', 'SEQUENCE:2']);
    expect(history.buckets[1]!.runtimeRuns).toEqual({ simulated: { runs: 1, successes: 1 } });
    expect(history.defaultRuntimeId).toBe('simulated');

    // End to end: $0.10 cap on Fetch is below mean + 1 sd ($0.14) of its history.
    const suggestions = optimize({ definition, documents: [], history });
    expect(suggestions.map((s) => s.action)).toEqual([{ type: 'SET_BUDGET', payload: { stepId: 'fetch', budgetUsd: 0.14 } }]);
  });

  it('is empty on a fresh database', async () => {
    const history = await loadOptimizerHistory({ orm }, definition);
    expect(history).toEqual({ stepCostsUsd: [[], []], buckets: [], defaultRuntimeId: null });
  });
});
