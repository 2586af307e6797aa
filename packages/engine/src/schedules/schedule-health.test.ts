import { describe, expect, it } from 'vitest';
import { applyOutcome, MIXED_FAILURES, type ScheduleHealth } from './schedule-health.js';
import type { FiringOutcome } from './schedule-executor.js';

const fresh: ScheduleHealth = {
  active: true,
  failureStreak: 0,
  failureStreakCategory: null,
  lastFailureReason: null,
  pausedReason: null,
  avgTurnsPerFiring: null,
  lastTurnCount: null,
};
const ok = (turns: number): FiringOutcome => ({ status: 'COMPLETED', turns });
const failed = (failureCategory: string, turns = 2): FiringOutcome => ({ status: 'FAILED', turns, failureCategory, error: `${failureCategory} happened` });

function run(outcomes: FiringOutcome[], start: ScheduleHealth = fresh) {
  let health = start;
  const paused: boolean[] = [];
  for (const outcome of outcomes) {
    const change = applyOutcome(health, outcome);
    health = change.health;
    paused.push(change.autoPaused);
  }
  return { health, paused };
}

describe('applyOutcome', () => {
  it('records real turns; the first firing sets the average, later ones weigh 0.7 new / 0.3 old', () => {
    expect(run([ok(10)]).health).toMatchObject({ lastTurnCount: 10, avgTurnsPerFiring: 10 });
    expect(run([ok(10), ok(20)]).health.avgTurnsPerFiring).toBeCloseTo(0.7 * 20 + 0.3 * 10);
    expect(run([ok(10), ok(20), ok(0)]).health).toMatchObject({ lastTurnCount: 0 });
    expect(run([ok(10), ok(20), ok(0)]).health.avgTurnsPerFiring).toBeCloseTo(0.3 * 17);
  });

  it('pauses after 3 consecutive failures and records why', () => {
    const { health, paused } = run([failed('TIMEOUT'), failed('TIMEOUT'), failed('TIMEOUT')]);
    expect(paused).toEqual([false, false, true]);
    expect(health).toMatchObject({ active: false, failureStreak: 3, failureStreakCategory: 'TIMEOUT', lastFailureReason: 'TIMEOUT: TIMEOUT happened' });
    expect(health.pausedReason).toBe('Paused automatically after 3 consecutive failed firings (TIMEOUT); last: TIMEOUT: TIMEOUT happened');
  });

  it('gives TURN_LIMIT streaks 5 failures, but mixed streaks only 3', () => {
    expect(run(Array(4).fill(failed('TURN_LIMIT'))).health).toMatchObject({ active: true, failureStreak: 4 });
    expect(run(Array(5).fill(failed('TURN_LIMIT'))).paused).toEqual([false, false, false, false, true]);
    const mixed = run([failed('TURN_LIMIT'), failed('TURN_LIMIT'), failed('AUTH')]);
    expect(mixed.health).toMatchObject({ active: false, failureStreak: 3, failureStreakCategory: MIXED_FAILURES });
  });

  it('a success resets the streak; a cancel leaves it alone', () => {
    expect(run([failed('TIMEOUT'), failed('TIMEOUT'), ok(3)]).health).toMatchObject({
      failureStreak: 0,
      failureStreakCategory: null,
      lastFailureReason: null,
      active: true,
    });
    const cancelled = run([failed('TIMEOUT'), failed('TIMEOUT'), { status: 'CANCELLED', turns: 1 }]);
    expect(cancelled.health).toMatchObject({ failureStreak: 2, active: true });
    expect(run([failed('TIMEOUT'), failed('TIMEOUT'), { status: 'CANCELLED', turns: 1 }, failed('TIMEOUT')]).health.active).toBe(false);
  });

  it('does not pause an already inactive schedule again', () => {
    const { paused, health } = run([failed('AUTH')], {
      ...fresh,
      active: false,
      failureStreak: 5,
      failureStreakCategory: 'AUTH',
      pausedReason: 'Paused by a user.',
    });
    expect(paused).toEqual([false]);
    expect(health.pausedReason).toBe('Paused by a user.');
  });
});
