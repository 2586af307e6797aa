// Child process of scale-bench.ts: one worker instance (STAGENT_ROLE=worker) on the bench's
// PostgreSQL database and Redis channel, whose simulated model calls take `callMs` each. Says
// "ready" once its engine is open, starts taking jobs on "go" (so that every worker of a
// measurement starts at once) and closes on "close".
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, openRedisEventBus, silentLogger } from '@stagent/engine';

interface Setup {
  databaseUrl: string;
  redisUrl: string;
  namespace: string;
  concurrency: number;
  callMs: number;
}

process.once('message', async (setup: Setup) => {
  const bus = await openRedisEventBus(setup.redisUrl, { namespace: setup.namespace, logger: silentLogger });
  const engine = await Engine.open({
    dataDir: mkdtempSync(join(tmpdir(), 'stagent-scale-worker-')),
    databaseUrl: setup.databaseUrl,
    logger: silentLogger,
    bus,
    role: 'worker',
    scaleOut: { concurrency: setup.concurrency, pollIntervalMs: 500 },
    simulatedLatencyMs: setup.callMs,
  });
  // One streamed chunk per call: each model call takes callMs.
  engine.simulated.script({ match: () => true, script: { turns: [{ text: 'ok', inputTokens: 50, outputTokens: 5 }], chunks: 1 } });
  process.on('message', async (message: { type: string }) => {
    if (message.type === 'go') return engine.start();
    await engine.close();
    await bus.close();
    process.exit(0);
  });
  process.send!({ type: 'ready' });
});
