import type { FiringOutcome } from './schedule-executor.js';

/** The health columns of a schedule that each firing updates. */
export interface ScheduleHealth {
  active: boolean;
  failureStreak: number;
  /** The category shared by every failure of the current streak, or {@link MIXED_FAILURES}. */
  failureStreakCategory: string | null;
  lastFailureReason: string | null;
  pausedReason: string | null;
  avgTurnsPerFiring: number | null;
  lastTurnCount: number | null;
}

/**
 * Weight of the NEWEST firing in the turn average: avg = 0.7 × new + 0.3 × previous. The
 * reference product weighted the other way (0.7 × previous + 0.3 × new, and counted log rows,
 * not turns); we follow issue #6's brief, which favours recent behaviour so the average reacts
 * within two or three firings after a prompt edit.
 */
export const NEW_TURNS_WEIGHT = 0.7;
/** Consecutive failures that pause a schedule. */
export const PAUSE_AFTER_FAILURES = 3;
/** Consecutive TURN_LIMIT failures that pause a schedule: hitting the turn cap is often transient (a long news day), so it gets more room. */
export const PAUSE_AFTER_TURN_LIMITS = 5;
/** Streak category when the failures of one streak do not share a category (the lower threshold then applies). */
export const MIXED_FAILURES = 'MIXED';
const TURN_LIMIT = 'TURN_LIMIT';

/** The new health after one firing, and whether this firing paused the schedule. */
export interface HealthChange {
  health: ScheduleHealth;
  autoPaused: boolean;
}

/**
 * Applies a firing's outcome to a schedule's health:
 * - turns: `lastTurnCount` = real turns; average = {@link NEW_TURNS_WEIGHT} × new + rest × previous
 *   (the first firing sets it to its own turns);
 * - COMPLETED resets the streak and clears `lastFailureReason`;
 * - CANCELLED and WAITING change no streak (a user's cancel, or a run parked on a delay, says
 *   nothing about the schedule's health); SKIPPED changes nothing at all;
 * - FAILED extends the streak; its category stays when every failure shares it, else MIXED;
 * - a streak of {@link PAUSE_AFTER_FAILURES} (or {@link PAUSE_AFTER_TURN_LIMITS} when all are
 *   TURN_LIMIT) deactivates an active schedule and records why in `pausedReason`.
 */
export function applyOutcome(previous: ScheduleHealth, outcome: FiringOutcome): HealthChange {
  // A skipped firing ran nothing: it must not drag the average towards zero.
  if (outcome.status === 'SKIPPED') return { health: previous, autoPaused: false };
  const turns = Math.max(0, Math.round(outcome.turns));
  const avgTurnsPerFiring = previous.avgTurnsPerFiring === null ? turns : NEW_TURNS_WEIGHT * turns + (1 - NEW_TURNS_WEIGHT) * previous.avgTurnsPerFiring;
  const health: ScheduleHealth = { ...previous, lastTurnCount: turns, avgTurnsPerFiring };
  if (outcome.status === 'COMPLETED')
    return { health: { ...health, failureStreak: 0, failureStreakCategory: null, lastFailureReason: null }, autoPaused: false };
  if (outcome.status !== 'FAILED') return { health, autoPaused: false };

  const category = outcome.failureCategory ?? 'UNKNOWN';
  const failureStreak = previous.failureStreak + 1;
  const failureStreakCategory = previous.failureStreak === 0 || previous.failureStreakCategory === category ? category : MIXED_FAILURES;
  const lastFailureReason = `${category}: ${outcome.error ?? 'no message'}`;
  const threshold = pauseThreshold(failureStreakCategory);
  const autoPaused = previous.active && failureStreak >= threshold;
  const pausedReason = autoPaused
    ? `Paused automatically after ${failureStreak} consecutive failed firings (${failureStreakCategory === MIXED_FAILURES ? 'mixed causes' : failureStreakCategory}); last: ${lastFailureReason}`
    : previous.pausedReason;
  return {
    health: { ...health, failureStreak, failureStreakCategory, lastFailureReason, active: autoPaused ? false : previous.active, pausedReason },
    autoPaused,
  };
}

/** Failures in a row that pause a schedule whose streak has this category. */
export function pauseThreshold(streakCategory: string | null): number {
  return streakCategory === TURN_LIMIT ? PAUSE_AFTER_TURN_LIMITS : PAUSE_AFTER_FAILURES;
}
