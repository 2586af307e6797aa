import type { Clock } from '../clock.js';
import { AnthropicDirectRuntime } from './anthropic-direct.js';
import { RuntimeCatalog } from './catalog.js';
import { importFromEnv } from './agent-cli-probe.js';
import { CLAUDE_AGENT_SDK, ClaudeCodeRuntime } from './claude-code.js';
import { OllamaRuntime } from './ollama.js';
import { OpenAICodexAppServerRuntime } from './openai-codex-app-server.js';
import { OpenAIDirectRuntime } from './openai-direct.js';
import type { RetryPolicy } from './retry-policy.js';
import type { SimulatedRuntime } from './simulated.js';

/** What {@link createDefaultCatalog} builds the six runtimes from. */
export interface DefaultCatalogOptions {
  clock: Clock;
  /** Reads a setting (`anthropic.apiKey`, `openai.apiKey`, `ollama.baseUrl`). */
  getSetting: (key: string) => Promise<unknown>;
  /**
   * Environment for `ANTHROPIC_BASE_URL`, `OPENAI_BASE_URL`, key fallbacks, PATH and where the agent
   * CLIs are (`STAGENT_CLAUDE_AGENT_SDK`, `STAGENT_CODEX_BIN`, `STAGENT_CODEX_PACKAGE`); `process.env` when omitted.
   */
  env?: NodeJS.ProcessEnv;
  simulated: SimulatedRuntime;
  /** Overrides of the default retry policy (tests shorten the waits). */
  retry?: Partial<RetryPolicy>;
}

/**
 * The catalog with all six runtimes: claude-code, openai-codex-app-server, anthropic-direct,
 * openai-direct, ollama and the simulator. Availability is checked on each `describe`.
 */
export function createDefaultCatalog(opts: DefaultCatalogOptions): RuntimeCatalog {
  const provider = { clock: opts.clock, getSetting: opts.getSetting, env: opts.env, retry: opts.retry };
  return (
    new RuntimeCatalog()
      // The Agent SDK from the app's dependencies, or from where STAGENT_CLAUDE_AGENT_SDK points.
      .register(
        new ClaudeCodeRuntime({ ...provider, importModule: importFromEnv(opts.env ?? process.env, { [CLAUDE_AGENT_SDK]: 'STAGENT_CLAUDE_AGENT_SDK' }) }),
      )
      .register(new OpenAICodexAppServerRuntime(provider))
      .register(new AnthropicDirectRuntime(provider))
      .register(new OpenAIDirectRuntime(provider))
      .register(new OllamaRuntime(provider))
      .register(opts.simulated)
  );
}
