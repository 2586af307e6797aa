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
