import { Engine } from '@stagent/engine';
import type { ApiConfig } from './config.js';

/** Delay per streamed chunk of the simulated runtime outside tests, ms: enough to see the stream. */
const SIMULATED_LATENCY_MS = 25;

/** Opens (and migrates) the engine on the configured data directory. */
export function openEngine(config: Pick<ApiConfig, 'dataDir'>, options: { timers?: boolean } = {}): Promise<Engine> {
  return Engine.open({ dataDir: config.dataDir, simulatedLatencyMs: SIMULATED_LATENCY_MS, timers: options.timers });
}
