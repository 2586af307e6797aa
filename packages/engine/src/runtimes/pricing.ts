import type { ModelCallUsage } from './runtime.js';

/** Price of a model in USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  /** Context window in tokens. */
  contextWindow: number;
  /** Where the figure comes from and when it was read. */
  source: string;
}

/**
 * The pricing registry: per-model USD per million tokens. Every model in the catalog has a
 * row; a model without one is recorded as `unknown_pricing` and its caps cannot be enforced.
 */
export const PRICES: Record<string, ModelPrice> = {
  // Simulated models: nominal prices so the demo shows realistic cost figures. Not a provider.
  'simulated-fast': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25, contextWindow: 200_000, source: 'Stagent simulator, nominal' },
  'simulated-smart': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75, contextWindow: 200_000, source: 'Stagent simulator, nominal' },

  // Anthropic list prices, USD per million tokens, from platform.claude.com/docs/en/about-claude/pricing
  // and the model overview pages, read 2026-11-26. cacheWrite = 5-minute cache write; cacheRead = cache hit.
  // Sonnet 5.5 cache hits were cut from $0.20 to $0.10 on 2026-10-07 (pricing page changelog).
  'claude-sonnet-5-5': {
    input: 2,
    output: 10,
    cacheRead: 0.1,
    cacheWrite: 2.5,
    contextWindow: 1_000_000,
    source: 'platform.claude.com pricing, list price, 2026-11-26',
  },
  'claude-opus-5-5': {
    input: 4,
    output: 20,
    cacheRead: 0.2,
    cacheWrite: 5,
    contextWindow: 1_000_000,
    source: 'platform.claude.com pricing, list price, 2026-11-26',
  },
  'claude-haiku-4-5-20251001': {
    input: 1,
    output: 5,
    cacheRead: 0.1,
    cacheWrite: 1.25,
    contextWindow: 200_000,
    source: 'platform.claude.com pricing, list price, 2026-11-26',
  },

  // OpenAI list prices (standard tier), USD per million tokens, from OpenAI's GPT-5.6 announcement and
  // openai.com/api/pricing, read 2026-11-26. cacheRead = cached input (90 % off); cacheWrite = 1.25 x
  // input (GPT-5.6 explicit cache writes). Adapters report uncached input as inputTokens and cached
  // input as cacheReadTokens, so each token is priced once. GPT-5.6 context windows are not
  // published: 400k is the GPT-5 family's, used for estimates only.
  'gpt-5.6-sol': { input: 5, output: 30, cacheRead: 0.5, cacheWrite: 6.25, contextWindow: 400_000, source: 'OpenAI GPT-5.6 pricing, list price, 2026-11-26' },
  'gpt-5.6-terra': {
    input: 2.5,
    output: 15,
    cacheRead: 0.25,
    cacheWrite: 3.125,
    contextWindow: 400_000,
    source: 'OpenAI GPT-5.6 pricing, list price, 2026-11-26',
  },
  'gpt-5.6-luna': { input: 1, output: 6, cacheRead: 0.1, cacheWrite: 1.25, contextWindow: 400_000, source: 'OpenAI GPT-5.6 pricing, list price, 2026-11-26' },
  'gpt-5-mini': {
    input: 0.25,
    output: 2,
    cacheRead: 0.025,
    cacheWrite: 0.25,
    contextWindow: 400_000,
    source: 'openai.com/api/pricing, list price, 2026-11-26',
  },
  'gpt-5.1-codex': {
    input: 1.25,
    output: 10,
    cacheRead: 0.125,
    cacheWrite: 1.25,
    contextWindow: 400_000,
    source: 'openai.com/api/pricing, list price, 2026-11-26',
  },

  // Ollama runs models on this machine: no per-token charge, so the price is 0 (caps stay
  // enforceable). Models the server reports beyond these get a zero row when ollama probes them.
  'llama3.2': { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, contextWindow: 131_072, source: 'local Ollama model, no per-token charge, 2026-11-26' },
  'llama3.1': { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, contextWindow: 131_072, source: 'local Ollama model, no per-token charge, 2026-11-26' },
  'qwen2.5': { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, contextWindow: 32_768, source: 'local Ollama model, no per-token charge, 2026-11-26' },
  mistral: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, contextWindow: 32_768, source: 'local Ollama model, no per-token charge, 2026-11-26' },
};

/** The price row for a model, or undefined when the model has no known price. */
export function priceFor(model: string): ModelPrice | undefined {
  return PRICES[model];
}

/** Cost of one call in micro-USD (integer), or null when the model has no price. */
export function costMicros(usage: ModelCallUsage): number | null {
  const price = priceFor(usage.model);
  if (!price) return null;
  const usd =
    (usage.inputTokens * price.input +
      usage.outputTokens * price.output +
      (usage.cacheReadTokens ?? 0) * price.cacheRead +
      (usage.cacheWriteTokens ?? 0) * price.cacheWrite) /
    1_000_000;
  return Math.round(usd * 1_000_000);
}

/** Registers (or replaces) prices; adapters' modules call this for their models. */
export function registerPrices(rows: Record<string, ModelPrice>): void {
  Object.assign(PRICES, rows);
}
