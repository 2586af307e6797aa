import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ManualClock, SystemClock, type Clock } from './clock.js';

/** Sleeps of 1 ms on `clock`, woken by `wake` (the manual clock's time moves only when told). */
async function sleepTwelveTimes(clock: Clock, signal: AbortSignal, wake: () => Promise<void>): Promise<void> {
  for (let i = 0; i < 12; i++) {
    const slept = clock.sleep(1, signal);
    await wake();
    await slept;
  }
}

describe.each([
  ['SystemClock', () => new SystemClock(), () => new Promise<void>((resolve) => setTimeout(resolve, 5))],
  ['ManualClock', () => new ManualClock(), undefined],
] as const)('%s', (_name, makeClock, realWait) => {
  it('lets go of the signal after each sleep: a run signal outlives many sleeps without piling up abort listeners', async () => {
    const clock = makeClock();
    const controller = new AbortController();
    await sleepTwelveTimes(clock, controller.signal, realWait ?? (() => (clock as ManualClock).advance(1)));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('rejects a sleep with the reason when its signal aborts, and no later wake resolves it', async () => {
    const clock = makeClock();
    const controller = new AbortController();
    const slept = clock.sleep(60_000, controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(slept).rejects.toThrow('cancelled');
    if (clock instanceof ManualClock) await clock.advance(60_000);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
