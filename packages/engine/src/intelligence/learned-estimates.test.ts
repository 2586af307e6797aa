import type { MikroORM } from '../db/orm-types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/orm.js';
import { expectationKey, LEARN_WINDOW, learnedStepExpectations } from './learned-estimates.js';
import { seedSteps } from '../testing/step-history-seed.js';

let orm: MikroORM;
beforeEach(async () => {
  orm = await openDatabase({ dataDir: ':memory:' });
});
afterEach(async () => {
  await orm.close(true);
});

describe('learnedStepExpectations', () => {
  it('averages completed comparable attempts per key; failed attempts and other models do not count', async () => {
    await seedSteps(orm.em.fork(), [
      { runId: 'r1', pattern: 'SEQUENCE', name: 'Summarise', outputTokens: 400, turns: 2, durationMs: 4_000 },
      { runId: 'r2', pattern: 'SEQUENCE', name: 'Summarise', outputTokens: 600, turns: 4, durationMs: 8_000 },
      { runId: 'r3', pattern: 'PARALLEL', name: 'Summarise', outputTokens: 1_100, turns: 3, durationMs: 3_000 },
      { runId: 'r4', pattern: 'SEQUENCE', name: 'Summarise', outputTokens: 9_999, turns: 9, status: 'FAILED' },
      { runId: 'r5', pattern: 'SEQUENCE', name: 'Summarise', outputTokens: 9_999, turns: 9, modelId: 'simulated-fast' },
    ]);
    const keys = [
      { stepName: 'Summarise', modelId: 'simulated-smart', pattern: 'SEQUENCE' },
      { stepName: 'Summarise', modelId: 'simulated-smart' },
      { modelId: 'simulated-smart', pattern: 'LOOP' },
    ];
    const learned = await learnedStepExpectations({ orm }, keys);
    expect(learned.get(expectationKey(keys[0]!))).toEqual({ outputTokens: 500, turns: 3, durationMs: 6_000, samples: 2 });
    expect(learned.get(expectationKey(keys[1]!))).toEqual({ outputTokens: 700, turns: 3, durationMs: 5_000, samples: 3 });
    // No LOOP history: the key is absent and the caller keeps its default.
    expect(learned.has(expectationKey(keys[2]!))).toBe(false);
  });

  it('gives the expected duration in whole ms (it is stored on a step row and served as an Int)', async () => {
    await seedSteps(orm.em.fork(), [
      { runId: 'a', pattern: 'SEQUENCE', name: 'Odd', durationMs: 100 },
      { runId: 'b', pattern: 'SEQUENCE', name: 'Odd', durationMs: 100 },
      { runId: 'c', pattern: 'SEQUENCE', name: 'Odd', durationMs: 32 },
    ]);
    const key = { stepName: 'Odd', modelId: 'simulated-smart', pattern: 'SEQUENCE' };
    expect((await learnedStepExpectations({ orm }, [key])).get(expectationKey(key))?.durationMs).toBe(77); // 77.33 before rounding
  });

  it(`uses only the newest ${LEARN_WINDOW} attempts`, async () => {
    const old = Array.from({ length: 5 }, (_, i) => ({ runId: `old${i}`, pattern: 'SEQUENCE', name: 'Draft', outputTokens: 10_000, finishedAt: 1_000 + i }));
    const recent = Array.from({ length: LEARN_WINDOW }, (_, i) => ({
      runId: `new${i}`,
      pattern: 'SEQUENCE',
      name: 'Draft',
      outputTokens: 300,
      finishedAt: 50_000 + i,
    }));
    await seedSteps(orm.em.fork(), [...old, ...recent]);
    const key = { stepName: 'Draft', modelId: 'simulated-smart' };
    expect((await learnedStepExpectations({ orm }, [key])).get(expectationKey(key))).toMatchObject({ outputTokens: 300, samples: LEARN_WINDOW });
  });

  it('returns an empty map for no keys or no history', async () => {
    expect((await learnedStepExpectations({ orm }, [])).size).toBe(0);
    expect((await learnedStepExpectations({ orm }, [{ modelId: 'simulated-smart' }])).size).toBe(0);
  });
});
