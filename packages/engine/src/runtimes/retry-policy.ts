import type { Clock } from '../clock.js';
import type { ClassifiedFailure } from './failure-category.js';

/**
 * Retries of one model call. The SDKs' own retries are off (`maxRetries: 0`) so that every
 * retry is decided here and reported through `RuntimeHooks.onRetry` (the engine turns each into
 * an event). Only failures classified `retryable` are retried (429, 529/503, other 5xx,
 * connection errors, a mid-stream `overloaded_error`).
 */
export interface RetryPolicy {
  /** Attempts in total, first call included. */
  maxAttempts: number;
  /** Delay before the first retry, ms; doubles each retry. */
  baseDelayMs: number;
  /** Longest computed backoff, ms. */
  maxDelayMs: number;
  /**
   * Longest provider-requested wait (`retry-after`) we accept, ms. A longer request ends the
   * call with its failure instead of holding a task for minutes.
   */
  maxRetryAfterMs: number;
  /** Random spread, 0..1: the delay is scaled by a factor in [1 - jitter, 1]. */
  jitter: number;
}

/**
 * Default policy: 4 attempts, 1 s → 2 s → 4 s (±20 %), at most 30 s of backoff; a provider may
 * ask for up to 60 s. Anthropic's and OpenAI's own SDK defaults are 2 retries from 0.5 s up to
 * 8 s; one more attempt fits overloaded periods, which commonly last tens of seconds.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 30_000, maxRetryAfterMs: 60_000, jitter: 0.2 };

/**
 * Delay before retry number `retry` (1-based) after `failure`, or `undefined` when the call
 * must not be retried (not retryable, attempts used up, or the provider asks for too long a wait).
 * `retry-after` is honoured exactly when the provider sends it.
 */
export function retryDelay(policy: RetryPolicy, retry: number, failure: ClassifiedFailure, random: () => number = Math.random): number | undefined {
  if (!failure.retryable || retry >= policy.maxAttempts) return undefined;
  if (failure.retryAfterMs !== undefined) return failure.retryAfterMs <= policy.maxRetryAfterMs ? failure.retryAfterMs : undefined;
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(backoff * (1 - policy.jitter * random()));
}

/** What {@link callWithRetries} needs besides the call itself. */
export interface RetryContext {
  policy: RetryPolicy;
  clock: Clock;
  /** Aborting it stops the waiting between attempts. */
  signal: AbortSignal;
  /** Turns whatever the attempt threw into a classified failure. */
  classify(err: unknown): ClassifiedFailure;
  /** Reported before each wait. */
  onRetry(info: { attempt: number; delayMs: number; failure: ClassifiedFailure }): void;
  /** Wall-clock epoch ms (as `RuntimeRequest.deadlineAt`): a retry whose wait would reach it is not started; the last failure is returned. */
  deadlineAt?: number;
  random?: () => number;
}

/** Result of a call with retries: the value, or the failure that ended it. */
export type RetryOutcome<T> = { ok: true; value: T; attempts: number } | { ok: false; failure: ClassifiedFailure; attempts: number };

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable failure, or the policy gives up.
 * Never throws for a failure `classify` understands; an abort during a wait returns the failure
 * that `classify` gives the abort reason.
 */
export async function callWithRetries<T>(attempt: (n: number) => Promise<T>, ctx: RetryContext): Promise<RetryOutcome<T>> {
  for (let n = 1; ; n++) {
    try {
      return { ok: true, value: await attempt(n), attempts: n };
    } catch (err) {
      const failure = ctx.classify(err);
      const delayMs = retryDelay(ctx.policy, n, failure, ctx.random);
      if (delayMs === undefined || ctx.signal.aborted) return { ok: false, failure, attempts: n };
      if (ctx.deadlineAt !== undefined && delayMs >= ctx.deadlineAt - Date.now()) return { ok: false, failure, attempts: n };
      ctx.onRetry({ attempt: n + 1, delayMs, failure });
      try {
        await ctx.clock.sleep(delayMs, ctx.signal);
      } catch (reason) {
        return { ok: false, failure: ctx.classify(reason), attempts: n };
      }
    }
  }
}
