import type { Clock } from '../clock.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';

/**
 * What every SDK-backed adapter is built from: a clock, settings, the environment (for
 * `ANTHROPIC_BASE_URL`, `OPENAI_BASE_URL` and the API-key fallbacks) and an optional retry policy.
 */
export interface ProviderRuntimeOptions {
  clock: Clock;
  /** Reads a setting from the registry (`anthropic.apiKey`, `ollama.baseUrl`...); undefined or null when unset. */
  getSetting: (key: string) => Promise<unknown>;
  /** Environment to read base URLs and key fallbacks from; `process.env` when omitted. */
  env?: NodeJS.ProcessEnv;
  /** Overrides of {@link DEFAULT_RETRY_POLICY}. */
  retry?: Partial<RetryPolicy>;
  /** Jitter source for backoff; tests pass a constant. */
  random?: () => number;
}

/** The merged retry policy. */
export function retryPolicyOf(opts: ProviderRuntimeOptions): RetryPolicy {
  return { ...DEFAULT_RETRY_POLICY, ...opts.retry };
}

/** An API key: the secret setting first, then the environment variable; undefined when neither is set. */
export async function resolveApiKey(opts: ProviderRuntimeOptions, settingKey: string, envName: string): Promise<string | undefined> {
  const stored = await opts.getSetting(settingKey);
  if (typeof stored === 'string' && stored.trim() !== '') return stored;
  const fromEnv = (opts.env ?? process.env)[envName];
  return fromEnv && fromEnv.trim() !== '' ? fromEnv : undefined;
}

/** A base URL from the environment, or undefined (the SDK's default then applies). */
export function envBaseUrl(opts: ProviderRuntimeOptions, envName: string): string | undefined {
  const value = (opts.env ?? process.env)[envName];
  return value && value.trim() !== '' ? value : undefined;
}
