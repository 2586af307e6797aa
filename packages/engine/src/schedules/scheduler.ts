import type { ScheduleRow } from '../db/entities/schedule.entity.js';
import {
  claimFiring,
  countClaimedSchedules,
  dueSchedules,
  insertFiring,
  releaseFiringClaim,
  renewFiringClaims,
  writeFiringHealth,
} from '../db/firing-claims.js';
import { findSchedule } from '../db/schedule-store.js';
import { sqlTransaction } from '../db/sql-executor.js';
import { newId } from '../ids.js';
import type { EngineResources } from '../resources.js';
import { nextFireTime, occurrencesBetween } from './fire-times.js';
import { transitionFiringRow } from './firing-store.js';
import { applyOutcome } from './schedule-health.js';
import { ScheduleEventKind, type ScheduleEvent } from './schedule-events.js';
import { FiringStatus, type FiringOutcome, type ScheduleExecutor } from './schedule-executor.js';

/** Scheduler tuning. Every duration is in milliseconds. */
export interface SchedulerOptions {
  /** Firings running at once across every process sharing the database (default 2). */
  maxConcurrentFirings?: number;
  /** Time between ticks of the {@link Scheduler.start} loop (default 15 000 ms). */
  tickIntervalMs?: number;
  /** How long a claim holds without renewal; each tick renews its own (default 60 000 ms: four missed ticks). */
  claimLeaseMs?: number;
  /** A firing this late (or later) counts as a catch-up firing (default 60 000 ms). */
  catchUpAfterMs?: number;
}

/** What one tick did: the firings it started and the due schedules left waiting for a free slot. */
export interface TickResult {
  fired: { scheduleId: string; firingId: string; catchUp: boolean; missedFirings: number }[];
  waitingForSlot: string[];
}

type FireAttempt = { started: TickResult['fired'][number] } | { waiting: true } | { lost: true };

/** Attempts to write a firing's result before giving up on concurrent changes to the row. */
const RECORD_ATTEMPTS = 5;

/**
 * Fires due schedules. A firing is claimed in the database by one conditional UPDATE (version,
 * expired claim and free slot checked in the same statement), then a `schedule_firings` row
 * unique per (schedule, due time) is inserted, so two processes never fire one due time twice.
 * See `README.md` for the protocol.
 */
export class Scheduler {
  private readonly inFlight = new Map<string, { scheduleId: string; done: Promise<void> }>();
  private readonly options: Required<SchedulerOptions>;
  private loop: { abort: AbortController; done: Promise<void> } | null = null;
  private currentTick: Promise<unknown> = Promise.resolve();
  private shutdown = new AbortController();

  constructor(
    private readonly resources: EngineResources,
    private readonly executor: ScheduleExecutor,
    private readonly instanceId: string,
    private readonly emit: (event: ScheduleEvent) => void,
    options: SchedulerOptions = {},
  ) {
    this.options = { maxConcurrentFirings: 2, tickIntervalMs: 15_000, claimLeaseMs: 60_000, catchUpAfterMs: 60_000, ...options };
  }

  /** Runs one tick: renews this instance's claims, resumes due delayed workflows, fires due schedules. */
  tick(): Promise<TickResult> {
    const run = this.runTick();
    this.currentTick = run.catch(() => undefined);
    return run;
  }

  /** Starts ticking on the engine clock: one tick now, then one every `tickIntervalMs`. Idempotent. */
  start(): void {
    if (this.loop) return;
    const abort = new AbortController();
    const done = (async () => {
      while (!abort.signal.aborted) {
        // Deadlines are absolute, so a tick that ran long (or a clock that jumped) is followed at once by the next.
        const nextTickAt = this.resources.clock.now() + this.options.tickIntervalMs;
        try {
          await this.tick();
        } catch (error) {
          this.resources.logger.error('Scheduler tick failed', { error: String(error) });
        }
        try {
          await this.resources.clock.sleep(nextTickAt - this.resources.clock.now(), abort.signal);
        } catch {
          break;
        }
      }
    })();
    this.loop = { abort, done };
  }

  /**
   * Stops the loop and waits for the current tick and every running firing to be recorded. With
   * `abortRunning` (process shutdown) running firings are aborted first and end CANCELLED.
   */
  async stop(options: { abortRunning?: boolean } = {}): Promise<void> {
    const loop = this.loop;
    this.loop = null;
    loop?.abort.abort();
    await loop?.done;
    if (options.abortRunning) this.shutdown.abort('shutdown');
    await this.idle();
    this.shutdown = new AbortController();
  }

  /** Resolves once no tick is running and every started firing has been recorded. */
  async idle(): Promise<void> {
    // With the loop running, a clock that just moved has a tick about to start: let it start first.
    if (this.loop) await new Promise<void>((resolve) => setImmediate(resolve));
    await this.currentTick;
    while (this.inFlight.size) await Promise.all([...this.inFlight.values()].map((f) => f.done));
  }

  /** Number of firings this instance is running now. */
  get runningFirings(): number {
    return this.inFlight.size;
  }

  private async runTick(): Promise<TickResult> {
    const now = this.resources.clock.now();
    await this.renewClaims(now);
    await this.executor.resumeDueDelays?.(now);
    const due = await dueSchedules(this.resources, now);
    const result: TickResult = { fired: [], waitingForSlot: [] };
    for (const row of due) {
      try {
        const attempt = await this.fire(row, now);
        if ('started' in attempt) result.fired.push(attempt.started);
        else if ('waiting' in attempt) result.waitingForSlot.push(row.id);
      } catch (error) {
        this.resources.logger.error('Could not fire schedule', { scheduleId: row.id, error: String(error) });
      }
    }
    return result;
  }

  private async renewClaims(now: number): Promise<void> {
    const ids = [...new Set([...this.inFlight.values()].map((f) => f.scheduleId))];
    if (!ids.length) return;
    await renewFiringClaims(this.resources, ids, this.instanceId, now + this.options.claimLeaseMs);
  }

  /**
   * Claims and starts one firing. After downtime several occurrences may be due: only the latest
   * fires (one catch-up), the others are counted in `missedFirings`.
   */
  private async fire(row: ScheduleRow, now: number): Promise<FireAttempt> {
    const dueAt = row.nextFireAt!;
    const later = occurrencesBetween(row.cron, row.timezone, dueAt, now);
    const firedDueAt = later.latest ?? dueAt;
    const missedFirings = later.count;
    const catchUp = missedFirings > 0 || now - dueAt >= this.options.catchUpAfterMs;
    const claimed = await claimFiring(this.resources, {
      scheduleId: row.id,
      version: row.version,
      instanceId: this.instanceId,
      claimedUntil: now + this.options.claimLeaseMs,
      nextFireAt: nextFireTime(row.cron, row.timezone, now),
      missedFirings,
      maxConcurrentFirings: this.options.maxConcurrentFirings,
      now,
    });
    if (!claimed) {
      const busy = await countClaimedSchedules(this.resources, now);
      return busy >= this.options.maxConcurrentFirings ? { waiting: true } : { lost: true };
    }
    const firingId = newId();
    const inserted = await insertFiring(this.resources, {
      id: firingId,
      createdAt: now,
      scheduleId: row.id,
      dueAt: firedDueAt,
      firedAt: now,
      status: FiringStatus.RUNNING,
      catchUp,
    });
    if (!inserted) {
      await releaseFiringClaim(this.resources, row.id, this.instanceId);
      this.resources.logger.warn('Schedule due time already fired; skipped', { scheduleId: row.id, dueAt: firedDueAt });
      return { lost: true };
    }
    if (missedFirings > 0)
      this.resources.logger.warn('Schedule missed firings while down; firing once to catch up', {
        scheduleId: row.id,
        missedFirings,
        ...(later.estimated ? { estimated: true } : {}),
      });
    const done = this.run(row, firingId).finally(() => this.inFlight.delete(firingId));
    this.inFlight.set(firingId, { scheduleId: row.id, done });
    this.emit({ kind: ScheduleEventKind.SCHEDULE_FIRED, scheduleId: row.id, firingId, dueAt: firedDueAt, catchUp, missedFirings, at: now });
    return { started: { scheduleId: row.id, firingId, catchUp, missedFirings } };
  }

  private async run(row: ScheduleRow, firingId: string): Promise<void> {
    let outcome: FiringOutcome;
    try {
      const signal = this.shutdown.signal;
      outcome = row.workflowId
        ? await this.executor.runWorkflow({ scheduleId: row.id, firingId, workflowId: row.workflowId, signal })
        : await this.executor.runTask({
            scheduleId: row.id,
            firingId,
            prompt: row.prompt,
            runtimeId: row.runtimeId ?? null,
            budgetUsd: row.budgetUsd ?? null,
            signal,
          });
    } catch (error) {
      outcome = { status: FiringStatus.FAILED, turns: 0, failureCategory: 'UNKNOWN', error: error instanceof Error ? error.message : String(error) };
    }
    try {
      await this.record(row.id, firingId, outcome);
    } catch (error) {
      this.resources.logger.error('Could not record a schedule firing', { scheduleId: row.id, firingId, error: String(error) });
    }
  }

  /** Writes the firing's result, then the schedule's health (compare-and-set on version, retried). */
  private async record(scheduleId: string, firingId: string, outcome: FiringOutcome): Promise<void> {
    const now = this.resources.clock.now();
    await sqlTransaction(this.resources.orm, (sql) =>
      transitionFiringRow(sql, firingId, FiringStatus.RUNNING, outcome.status, {
        finishedAt: now,
        turns: Math.round(outcome.turns),
        failureCategory: outcome.failureCategory ?? null,
        error: outcome.error ?? null,
        taskId: outcome.taskId ?? null,
        runId: outcome.runId ?? null,
      }),
    );
    for (let attempt = 0; attempt < RECORD_ATTEMPTS; attempt++) {
      const row = await findSchedule(this.resources, scheduleId);
      if (!row) return; // deleted while firing: the firing row keeps the result
      const { health, autoPaused } = applyOutcome(
        {
          active: row.active,
          failureStreak: row.failureStreak,
          failureStreakCategory: row.failureStreakCategory ?? null,
          lastFailureReason: row.lastFailureReason ?? null,
          pausedReason: row.pausedReason ?? null,
          avgTurnsPerFiring: row.avgTurnsPerFiring ?? null,
          lastTurnCount: row.lastTurnCount ?? null,
        },
        outcome,
      );
      const ownClaim = row.claimedBy === this.instanceId;
      const changed = await writeFiringHealth(this.resources, scheduleId, row.version, {
        ...health,
        nextFireAt: autoPaused ? null : row.nextFireAt,
        claimedBy: ownClaim ? null : row.claimedBy,
        claimedUntil: ownClaim ? null : row.claimedUntil,
        updatedAt: now,
      });
      if (!changed) continue;
      this.emit({ kind: ScheduleEventKind.SCHEDULE_FIRING_FINISHED, scheduleId, firingId, outcome, at: now });
      if (autoPaused) {
        this.resources.logger.warn('Schedule paused automatically', {
          scheduleId,
          name: row.name,
          failureStreak: health.failureStreak,
          reason: health.pausedReason,
        });
        this.emit({
          kind: ScheduleEventKind.SCHEDULE_AUTO_PAUSED,
          scheduleId,
          name: row.name,
          failureStreak: health.failureStreak,
          reason: health.pausedReason!,
          at: now,
        });
      }
      return;
    }
    this.resources.logger.error('Schedule health not updated: the row kept changing', { scheduleId, firingId });
  }
}
