import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { ScheduleFiringSchema } from '../db/entities/schedule-firing.entity.js';
import { ScheduleSchema, type ScheduleRow } from '../db/entities/schedule.entity.js';
import { columnsOf } from '../db/direct-sql.js';
import { serialized } from '../db/row-locks.js';
import { sqlTransaction, type SqlExecutor } from '../db/sql-executor.js';
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
    const em = this.resources.orm.em.fork();
    const due = await em.find(
      ScheduleSchema,
      { active: true, nextFireAt: { $ne: null, $lte: now }, $or: [{ claimedUntil: null }, { claimedUntil: { $lte: now } }] },
      { orderBy: { nextFireAt: 'asc', createdAt: 'asc' } },
    );
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
    await this.resources.orm.em
      .fork()
      .nativeUpdate(ScheduleSchema, { id: { $in: ids }, claimedBy: this.instanceId }, { claimedUntil: now + this.options.claimLeaseMs });
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
    const em = this.resources.orm.em.fork();
    const claimed = await serialized(this.resources.orm, 'schedule-claims', (sql) => this.claim(sql, row, now, missedFirings));
    if (!claimed) {
      const busy = await em.count(ScheduleSchema, { claimedUntil: { $gt: now } });
      return busy >= this.options.maxConcurrentFirings ? { waiting: true } : { lost: true };
    }
    const firingId = newId();
    try {
      await em.insert(ScheduleFiringSchema, {
        id: firingId,
        createdAt: now,
        scheduleId: row.id,
        dueAt: firedDueAt,
        firedAt: now,
        status: FiringStatus.RUNNING,
        catchUp,
      });
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      await em.nativeUpdate(ScheduleSchema, { id: row.id, claimedBy: this.instanceId }, { claimedBy: null, claimedUntil: null });
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

  /**
   * The claim: one conditional UPDATE (version, expired claim and free slot checked in the same
   * statement). The slot check counts other schedules' claims, which no row lock covers: on
   * PostgreSQL two processes claiming two different schedules would each count the claims
   * committed before either, and both take the last slot. So claims run one at a time across
   * processes ({@link serialized}), and each counts every claim committed before it.
   */
  private async claim(sql: SqlExecutor, row: ScheduleRow, now: number, missedFirings: number): Promise<boolean> {
    const c = columnsOf(sql.metadata, ScheduleSchema);
    const col = (property: string) => c.column(property).name;
    const claimedUntil = col('claimedUntil');
    const affected = await sql.run(
      `update ${c.table} set ${col('claimedBy')} = ?, ${claimedUntil} = ?, ${col('nextFireAt')} = ?, ${col('lastFiredAt')} = ?, ` +
        `${col('firingCount')} = ${col('firingCount')} + 1, ${col('missedFirings')} = ${col('missedFirings')} + ?, ` +
        `${col('version')} = ${col('version')} + 1, ${col('updatedAt')} = ? ` +
        `where ${col('id')} = ? and ${col('version')} = ? and ${col('active')} = ? and (${claimedUntil} is null or ${claimedUntil} <= ?) ` +
        // The slot check sits in the same statement as the claim, after the lock: no two claims take the last slot.
        `and (select count(*) from ${c.table} busy where busy.${claimedUntil} > ?) < ?`,
      [
        this.instanceId,
        now + this.options.claimLeaseMs,
        nextFireTime(row.cron, row.timezone, now),
        now,
        missedFirings,
        now,
        row.id,
        row.version,
        true,
        now,
        now,
        this.options.maxConcurrentFirings,
      ],
    );
    return affected === 1;
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
      const em = this.resources.orm.em.fork();
      const row = await em.findOne(ScheduleSchema, { id: scheduleId });
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
      const changed = await em.nativeUpdate(
        ScheduleSchema,
        { id: scheduleId, version: row.version },
        {
          ...health,
          nextFireAt: autoPaused ? null : row.nextFireAt,
          claimedBy: ownClaim ? null : row.claimedBy,
          claimedUntil: ownClaim ? null : row.claimedUntil,
          version: row.version + 1,
          updatedAt: now,
        },
      );
      if (changed !== 1) continue;
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
