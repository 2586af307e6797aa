import { ManualClock } from '../clock.js';
import { Engine, type EngineOptions } from '../facade/engine.js';
import { silentLogger } from '../resources.js';
import { testDatabase } from '../db/test-databases.js';

export {
  dropTestRunDatabases,
  probeTestPostgres,
  scratchPostgresDatabase,
  testDatabase,
  testDialect,
  forDialect,
  testPostgresUrl,
  testRunPrefix,
  type TestDatabase,
} from '../db/test-databases.js';

export { ManualClock } from '../clock.js';
export { mergeResults } from './bench-results.js';
export { DEFAULT_TEST_REDIS_URL, probeTestRedis, redisTestsRun, testRedisUrl } from './redis-probe.js';
export { SimulatedRuntime, type SimulatedScript, type SimulatedTurn } from '../runtimes/simulated.js';
export * from './provider-emulator/index.js';

/** A test engine with its controllable clock. */
export interface TestEngine {
  engine: Engine;
  clock: ManualClock;
  close(): Promise<void>;
}

/**
 * A real engine on a migrated database (`:memory:` unless `dataDir` is given; on PostgreSQL
 * under `STAGENT_TEST_DATABASE=postgres`, a database of its own or the one of `dataDir`, see `db/test-databases.ts`), a
 * {@link ManualClock}, the scriptable simulated runtime with zero latency (`engine.simulated`),
 * a silent logger and no background timers (tests call `resumeDueDelays()` / `control.heartbeat()`).
 */
export async function createTestEngine(options: EngineOptions = {}): Promise<TestEngine> {
  const clock = options.clock instanceof ManualClock ? options.clock : new ManualClock();
  const database = options.databaseUrl ? null : await testDatabase(options.dataDir ?? ':memory:');
  const engine = await Engine.open({
    logger: silentLogger,
    timers: false,
    simulatedLatencyMs: 0,
    ...options,
    ...database?.location,
    onQuery: options.onQuery,
    clock,
  });
  const close = async () => {
    await engine.close();
    await database?.release();
  };
  try {
    await engine.start();
  } catch (error) {
    await close();
    throw error;
  }
  return { engine, clock, close };
}

/** A three-step sequence definition on the simulator, for scenarios. */
export function threeStepSequence(overrides: { budgets?: (number | null)[]; names?: string[] } = {}) {
  const names = overrides.names ?? ['Research', 'Analyse', 'Report'];
  return {
    name: 'Three steps',
    pattern: 'SEQUENCE' as const,
    runtimeId: 'simulated',
    steps: names.map((name, i) => ({ id: `s${i + 1}`, name, prompt: `${name}: do part ${i + 1} of the work.`, budgetUsd: overrides.budgets?.[i] ?? null })),
  };
}
