import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { CallWatchdog, TaskWatchdog } from './call-watchdog.js';

describe('TaskWatchdog', () => {
  it('aborts with a TIMEOUT failure once the clock has waited until the (wall-clock) deadline', async () => {
    const clock = new ManualClock();
    const dog = new TaskWatchdog(clock, new AbortController().signal, Date.now() + 1000);
    await clock.advance(900);
    expect(dog.signal.aborted).toBe(false);
    await clock.advance(200);
    expect(dog.signal.reason).toMatchObject({ category: 'TIMEOUT', retryable: false });
    dog.dispose();
  });

  it('passes the request signal and its reason through', () => {
    const source = new AbortController();
    const dog = new TaskWatchdog(new ManualClock(), source.signal);
    source.abort('cancelled');
    expect(dog.signal.reason).toBe('cancelled');
    dog.dispose();
  });
});

describe('CallWatchdog', () => {
  it('fires only after the idle limit passes with no activity', async () => {
    const clock = new ManualClock();
    const dog = new CallWatchdog(clock, new AbortController().signal, 500);
    await clock.advance(400);
    dog.activity();
    await clock.advance(400);
    expect(dog.signal.aborted).toBe(false);
    await clock.advance(100);
    expect(dog.signal.reason).toMatchObject({ category: 'TIMEOUT' });
    expect((dog.signal.reason as { message: string }).message).toMatch(/stalled: nothing received for 500 ms/);
    dog.dispose();
  });

  it('never fires after dispose, nor without an idle limit', async () => {
    const clock = new ManualClock();
    const disposed = new CallWatchdog(clock, new AbortController().signal, 100);
    disposed.dispose();
    const unlimited = new CallWatchdog(clock, new AbortController().signal, undefined);
    await clock.advance(10_000);
    expect(disposed.signal.aborted).toBe(false);
    expect(unlimited.signal.aborted).toBe(false);
    unlimited.dispose();
  });
});
