import type { RuntimeId } from './runtime.js';

/**
 * The model catalog: the only place model ids live. Adapters receive an already resolved
 * model in `RuntimeRequest.model` and read their default and supported lists from here; no
 * adapter contains a model string. Every id listed here has a price row in `pricing.ts`
 * (a test checks it).
 */
export interface RuntimeModels {
  /** Model used when neither the step nor the workflow names one. */
  default: string;
  /** Every model the runtime accepts. */
  supported: readonly string[];
}

/**
 * Anthropic models for `anthropic-direct` and `claude-code`. Not listed: Sonnet 4.5 (end of life
 * 2026-11-30, per the SDK's deprecation table), Opus 4.5 (deprecated), and Haiku 5.5, whose price
 * depends on prompt length (two bands around 100k tokens) and so cannot be capped with one row.
 */
const ANTHROPIC_MODELS: RuntimeModels = {
  default: 'claude-sonnet-5-5',
  supported: ['claude-sonnet-5-5', 'claude-opus-5-5', 'claude-haiku-4-5-20251001'],
};

/** OpenAI models for `openai-direct` (Chat Completions accepts all of them). */
const OPENAI_MODELS: RuntimeModels = {
  default: 'gpt-5.6-terra',
  supported: ['gpt-5.6-sol', 'gpt-5.6-terra', 'gpt-5.6-luna', 'gpt-5-mini'],
};

/**
 * Models for the Codex app server: the OpenAI models Codex 0.171 ships metadata for and we have
 * prices for (`codex app-server` `model/list`). Not listed: gpt-5.1-codex, for which this Codex has
 * no metadata any more (it warns and falls back), and the GPT-6 family, not priced here yet.
 */
const CODEX_MODELS: RuntimeModels = {
  default: 'gpt-5.6-terra',
  supported: ['gpt-5.6-sol', 'gpt-5.6-terra', 'gpt-5.6-luna'],
};

/**
 * Ollama: the supported list is read from the server (`GET /api/tags`). These are the
 * preferred defaults, first one installed wins; when none is installed the first model the
 * server lists becomes the default.
 */
export const OLLAMA_PREFERRED_DEFAULTS: readonly string[] = ['llama3.2', 'llama3.1', 'qwen2.5', 'mistral'];

/** Static model lists per runtime; `ollama` is dynamic (see {@link OLLAMA_PREFERRED_DEFAULTS}). */
export const MODEL_CATALOG: Readonly<Record<Exclude<RuntimeId, 'ollama' | 'simulated'>, RuntimeModels>> = {
  'anthropic-direct': ANTHROPIC_MODELS,
  'claude-code': ANTHROPIC_MODELS,
  'openai-direct': OPENAI_MODELS,
  'openai-codex-app-server': CODEX_MODELS,
};

/** A copy of a runtime's model lists in the descriptor's shape. */
export function modelsFor(runtimeId: keyof typeof MODEL_CATALOG): { default: string; supported: string[] } {
  const m = MODEL_CATALOG[runtimeId];
  return { default: m.default, supported: [...m.supported] };
}

/**
 * Picks Ollama's default among the models a server reports: the first preferred family
 * installed (`llama3.2` matches `llama3.2:latest`), else the first reported model.
 */
export function pickOllamaDefault(installed: readonly string[]): string | undefined {
  for (const family of OLLAMA_PREFERRED_DEFAULTS) {
    const hit = installed.find((name) => name === family || name.startsWith(`${family}:`));
    if (hit) return hit;
  }
  return installed[0];
}
