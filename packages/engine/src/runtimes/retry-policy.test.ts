import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { failure } from './error-classification.js';
import type { ClassifiedFailure } from './failure-category.js';
import { callWithRetries, DEFAULT_RETRY_POLICY, retryDelay } from './retry-policy.js';

const policy = { ...DEFAULT_RETRY_POLICY, jitter: 0 };
const rateLimited = (retryAfterMs?: number) => failure('RATE_LIMITED', 'slow down', { httpStatus: 429, retryAfterMs });

describe('retryDelay', () => {
  it.each([
    { label: 'first backoff', retry: 1, f: failure('PROVIDER_OVERLOADED', 'x'), delay: 1000 },
    { label: 'second backoff doubles', retry: 2, f: failure('CONNECTION', 'x'), delay: 2000 },
    { label: 'retry-after honoured exactly', retry: 1, f: rateLimited(7000), delay: 7000 },
    { label: 'retry-after too long: give up', retry: 1, f: rateLimited(120_000), delay: undefined },
    { label: 'not retryable', retry: 1, f: failure('AUTH', 'x'), delay: undefined },
    { label: 'attempts used up', retry: 4, f: failure('CONNECTION', 'x'), delay: undefined },
  ])('$label', ({ retry, f, delay }) => {
    expect(retryDelay(policy, retry, f)).toBe(delay);
  });

  it('applies jitter downwards only, within the spread', () => {
    expect(retryDelay({ ...policy, jitter: 0.2 }, 1, failure('CONNECTION', 'x'), () => 1)).toBe(800);
    expect(retryDelay({ ...policy, jitter: 0.2 }, 1, failure('CONNECTION', 'x'), () => 0)).toBe(1000);
  });
});

/** Runs `callWithRetries` over scripted outcomes; failures are thrown as classified objects. */
function scriptedAttempts(outcomes: (ClassifiedFailure | string)[]) {
  let i = 0;
  return async () => {
    const o = outcomes[i++]!;
    if (typeof o === 'string') return o;
    throw o;
  };
}

describe('callWithRetries', () => {
  it('waits what retry-after asks on the clock, reports the retry, then succeeds', async () => {
    const clock = new ManualClock();
    const retries: unknown[] = [];
    const pending = callWithRetries(scriptedAttempts([rateLimited(3000), 'ok']), {
      policy,
      clock,
      signal: new AbortController().signal,
      classify: (e) => e as ClassifiedFailure,
      onRetry: (info) => retries.push(info),
    });
    let settled = false;
    void pending.then(() => (settled = true));
    // Let the first attempt fail and the wait begin, then move time to just before its end.
    await clock.advance(0);
    expect(retries).toEqual([{ attempt: 2, delayMs: 3000, failure: rateLimited(3000) }]);
    await clock.advance(2999);
    expect(settled).toBe(false);
    await clock.advance(1);
    await expect(pending).resolves.toEqual({ ok: true, value: 'ok', attempts: 2 });
  });

  it('returns the abort reason when cancelled during the wait', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const pending = callWithRetries(scriptedAttempts([failure('CONNECTION', 'reset')]), {
      policy,
      clock,
      signal: controller.signal,
      classify: (e) => (e === 'cancelled' ? failure('CANCELLED', 'Cancelled by user.') : (e as ClassifiedFailure)),
      onRetry: () => {},
    });
    await clock.advance(0);
    controller.abort('cancelled');
    await expect(pending).resolves.toMatchObject({ ok: false, failure: { category: 'CANCELLED' } });
  });

  it('does not start a retry that would end after the deadline', async () => {
    const clock = new ManualClock();
    const retries: unknown[] = [];
    const outcome = await callWithRetries(scriptedAttempts([rateLimited(5000)]), {
      policy,
      clock,
      signal: new AbortController().signal,
      deadlineAt: Date.now() + 4000,
      classify: (e) => e as ClassifiedFailure,
      onRetry: (info) => retries.push(info),
    });
    expect(outcome).toMatchObject({ ok: false, failure: { category: 'RATE_LIMITED' }, attempts: 1 });
    expect(retries).toEqual([]);
  });
});
