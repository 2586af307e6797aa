/**
 * Time source of the engine. Everything that reads "now" or waits goes through a {@link Clock},
 * so tests move time explicitly with {@link ManualClock} instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` of this clock's time, or rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The wall clock. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** A clock that only moves when told to; sleepers wake when {@link ManualClock.advance} passes their time. */
export class ManualClock implements Clock {
  private current: number;
  private sleepers: { until: number; resolve: () => void }[] = [];

  constructor(start: number | Date = Date.UTC(2026, 0, 5, 8, 0, 0)) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }
  now(): number {
    return this.current;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((s) => s !== entry);
        reject(signal!.reason);
      };
      // A woken sleeper lets go of the signal, as SystemClock's does: one signal outlives many sleeps.
      const entry = {
        until: this.current + ms,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.sleepers.push(entry);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
  /** Moves time forward by `ms` and wakes every sleeper whose time has come. */
  async advance(ms: number): Promise<void> {
    this.set(this.current + ms);
    // Let woken continuations run before the caller looks at state.
    for (let i = 0; i < 5; i++) await Promise.resolve();
  }
  /** Jumps to an absolute time (never backwards). */
  set(to: number | Date): void {
    const target = typeof to === 'number' ? to : to.getTime();
    if (target < this.current) return;
    this.current = target;
    const due = this.sleepers.filter((s) => s.until <= target);
    this.sleepers = this.sleepers.filter((s) => s.until > target);
    for (const s of due) s.resolve();
  }
}
