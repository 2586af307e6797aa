import type { Clock } from '../clock.js';
import { failure } from './error-classification.js';
import { formatDuration } from '../format/index.js';

/**
 * Aborts model calls that outlive the task deadline or whose stream goes silent. A watchdog
 * owns one AbortController per task ({@link TaskWatchdog}) and one per call
 * ({@link CallWatchdog}); both abort with a `TIMEOUT` {@link ClassifiedFailure} as reason, so
 * the adapter reads the category from the signal, never from the SDK's error text.
 */

/** Links `target` to `source`: aborting the source aborts the target with the same reason. */
function follow(source: AbortSignal, target: AbortController): () => void {
  if (source.aborted) {
    target.abort(source.reason);
    return () => {};
  }
  const onAbort = () => target.abort(source.reason);
  source.addEventListener('abort', onAbort, { once: true });
  return () => source.removeEventListener('abort', onAbort);
}

/** Sleeps on `clock` until `ms` have passed, unless `stop` aborts first; never rejects. */
async function quietSleep(clock: Clock, ms: number, stop: AbortSignal): Promise<boolean> {
  try {
    await clock.sleep(ms, stop);
    return true;
  } catch {
    return false;
  }
}

/** The task-level signal: the request's signal plus the task deadline (`RuntimeRequest.deadlineAt`, wall-clock epoch ms). */
export class TaskWatchdog {
  private readonly controller = new AbortController();
  private readonly stopTimers = new AbortController();
  private readonly unfollow: () => void;

  constructor(clock: Clock, source: AbortSignal, deadlineAt?: number) {
    this.unfollow = follow(source, this.controller);
    if (deadlineAt !== undefined) {
      // `deadlineAt` is wall-clock epoch ms (RuntimeRequest); the wait runs on `clock`, so a
      // ManualClock in tests decides when it passes.
      const ms = deadlineAt - Date.now();
      void quietSleep(clock, ms, this.stopTimers.signal).then((fired) => {
        if (fired) this.controller.abort(failure('TIMEOUT', `Task deadline passed (${new Date(deadlineAt).toISOString()}).`, { retryable: false }));
      });
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Stops the deadline timer; call when the task ends. */
  dispose(): void {
    this.stopTimers.abort();
    this.unfollow();
  }
}

/** One model call's signal: the task signal plus a stall detector fed by {@link CallWatchdog.activity}. */
export class CallWatchdog {
  private readonly controller = new AbortController();
  private readonly stopTimers = new AbortController();
  private readonly unfollow: () => void;
  private lastActivity: number;

  constructor(
    private readonly clock: Clock,
    taskSignal: AbortSignal,
    idleMs: number | undefined,
  ) {
    this.unfollow = follow(taskSignal, this.controller);
    this.lastActivity = clock.now();
    if (idleMs !== undefined && idleMs > 0) void this.watch(idleMs);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Call on every byte/event the provider sends. */
  activity(): void {
    this.lastActivity = this.clock.now();
  }

  dispose(): void {
    this.stopTimers.abort();
    this.unfollow();
  }

  /** One timer at a time: wake at lastActivity + idleMs; fire only if nothing arrived meanwhile. */
  private async watch(idleMs: number): Promise<void> {
    let wait = idleMs;
    while (await quietSleep(this.clock, wait, this.stopTimers.signal)) {
      const silent = this.clock.now() - this.lastActivity;
      if (silent >= idleMs) {
        this.controller.abort(
          failure('TIMEOUT', `The provider stream stalled: nothing received for ${formatDuration(silent)} (limit ${formatDuration(idleMs)}).`, {
            retryable: false,
          }),
        );
        return;
      }
      wait = idleMs - silent;
    }
  }
}
