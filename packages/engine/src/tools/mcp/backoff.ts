/** Exponential backoff for reconnecting: bounded in delay and in attempts, and cancellable. */

export interface BackoffPolicy {
  /** Delay before the first retry. */
  initialMs: number;
  /** No delay grows beyond this. */
  maxMs: number;
  factor: number;
  /** Retries after a connection was lost; then the server stays disconnected until its next use. */
  maxAttempts: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 250, maxMs: 15_000, factor: 2, maxAttempts: 8 };

/** The delay before retry number `attempt` (0 for the first). */
export function backoffDelay(policy: BackoffPolicy, attempt: number): number {
  return Math.min(policy.maxMs, policy.initialMs * policy.factor ** attempt);
}

/** Waits `ms`; resolves true when the time passed, false at once when `signal` aborts. */
export function cancellableDelay(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
