import { Redis } from 'ioredis';
import { ErrorCode, StagentError } from '../errors.js';
import { maskRedisUrl } from '../events/redis-event-bus.js';

/** The Redis server tests use unless `STAGENT_TEST_REDIS_URL` names another: the local one. */
export const DEFAULT_TEST_REDIS_URL = 'redis://127.0.0.1:6379';

/** The Redis URL tests open their event buses on. */
export function testRedisUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.STAGENT_TEST_REDIS_URL || DEFAULT_TEST_REDIS_URL;
}

/** Null when the test Redis answers a PING, otherwise why not. */
export async function probeTestRedis(env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const redis = new Redis(testRedisUrl(env), { lazyConnect: true, connectTimeout: 2_000, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  let failure: unknown = null;
  redis.on('error', (error: unknown) => (failure ??= error));
  try {
    await redis.connect();
    await redis.ping();
    return null;
  } catch (error) {
    const cause = (failure ?? error) as { message?: string; code?: string };
    return cause.message || cause.code || String(cause);
  } finally {
    redis.disconnect();
  }
}

/**
 * Whether a suite's Redis tests run (`suite` names it in messages), mirroring the PostgreSQL pass
 * (`database-projects.ts`): without an answering Redis they are skipped with one printed line,
 * except under CI, where that is an error: CI must never pass by skipping Redis.
 */
export async function redisTestsRun(suite: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const unavailable = await probeTestRedis(env);
  if (!unavailable) return true;
  const url = maskRedisUrl(testRedisUrl(env));
  if (env.CI) throw new StagentError(ErrorCode.UNAVAILABLE, `Redis at ${url} does not answer (${unavailable}); CI runs the ${suite} tests on it.`);
  console.log(`${suite} tests skipped: Redis at ${url} does not answer (${unavailable}). Start redis-server (or set STAGENT_TEST_REDIS_URL) to run them.`);
  return false;
}
