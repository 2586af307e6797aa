import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { ScheduleFiringSchema, type ScheduleFiring } from './entities/schedule-firing.entity.js';
import { ScheduleSchema, type ScheduleRow } from './entities/schedule.entity.js';
import type { EngineResources } from '../resources.js';
import { columnsOf } from './direct-sql.js';
import { serialized } from './row-locks.js';

// The scheduler's statements: due schedules, the firing claim and its lease, the firing row
// unique per (schedule, due time), and the health write after a firing. The protocol (what to
// claim, when to give up) is schedules/scheduler.ts; a firing's status changes go through
// schedules/firing-store.ts.

type Resources = Pick<EngineResources, 'orm'>;

/** What a claim writes, and the limits it checks in the same statement. */
export interface FiringClaim {
  scheduleId: string;
  /** The version the scheduler read: the claim fails if the row changed since. */
  version: number;
  instanceId: string;
  claimedUntil: number;
  nextFireAt: number | null;
  missedFirings: number;
  maxConcurrentFirings: number;
  now: number;
}

/** Active schedules due at `now` whose claim is free or expired, earliest due first. */
export function dueSchedules(resources: Resources, now: number): Promise<ScheduleRow[]> {
  return resources.orm.em
    .fork()
    .find(
      ScheduleSchema,
      { active: true, nextFireAt: { $ne: null, $lte: now }, $or: [{ claimedUntil: null }, { claimedUntil: { $lte: now } }] },
      { orderBy: { nextFireAt: 'asc', createdAt: 'asc' } },
    );
}

/** Extends this instance's claims on `scheduleIds` to `claimedUntil` (one statement). */
export async function renewFiringClaims(resources: Resources, scheduleIds: string[], instanceId: string, claimedUntil: number): Promise<void> {
  await resources.orm.em.fork().nativeUpdate(ScheduleSchema, { id: { $in: scheduleIds }, claimedBy: instanceId }, { claimedUntil });
}

/**
 * The claim: one conditional UPDATE (version, expired claim and free slot checked in the same
 * statement); true when it took the schedule. The slot check counts other schedules' claims,
 * which no row lock covers: on PostgreSQL two processes claiming two different schedules would
 * each count the claims committed before either, and both take the last slot. So claims run one
 * at a time across processes ({@link serialized}), and each counts every claim committed before it.
 */
export function claimFiring(resources: Resources, claim: FiringClaim): Promise<boolean> {
  return serialized(resources.orm, 'schedule-claims', async (sql) => {
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
        claim.instanceId,
        claim.claimedUntil,
        claim.nextFireAt,
        claim.now,
        claim.missedFirings,
        claim.now,
        claim.scheduleId,
        claim.version,
        true,
        claim.now,
        claim.now,
        claim.maxConcurrentFirings,
      ],
    );
    return affected === 1;
  });
}

/** Schedules whose claim holds at `now` (firings running across every process). */
export function countClaimedSchedules(resources: Resources, now: number): Promise<number> {
  return resources.orm.em.fork().count(ScheduleSchema, { claimedUntil: { $gt: now } });
}

/**
 * Inserts the row of a started firing; false when that (schedule, due time) already has one
 * (another process fired it: the unique key is the exactly-once guard behind the claim).
 */
export async function insertFiring(
  resources: Resources,
  firing: Pick<ScheduleFiring, 'id' | 'createdAt' | 'scheduleId' | 'dueAt' | 'firedAt' | 'status' | 'catchUp'>,
): Promise<boolean> {
  try {
    await resources.orm.em.fork().insert(ScheduleFiringSchema, firing as ScheduleFiring);
    return true;
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) return false;
    throw error;
  }
}

/** Gives up this instance's claim on a schedule without firing. */
export async function releaseFiringClaim(resources: Resources, scheduleId: string, instanceId: string): Promise<void> {
  await resources.orm.em.fork().nativeUpdate(ScheduleSchema, { id: scheduleId, claimedBy: instanceId }, { claimedBy: null, claimedUntil: null });
}

/** What a finished firing writes on its schedule: the new health, and the claim released or kept. */
export type FiringHealthChange = Partial<
  Pick<
    ScheduleRow,
    | 'active'
    | 'failureStreak'
    | 'failureStreakCategory'
    | 'lastFailureReason'
    | 'pausedReason'
    | 'avgTurnsPerFiring'
    | 'lastTurnCount'
    | 'nextFireAt'
    | 'claimedBy'
    | 'claimedUntil'
    | 'updatedAt'
  >
>;

/** Writes `change` when the row still has `version` (compare-and-set) and bumps the version; true when it did. */
export async function writeFiringHealth(resources: Resources, scheduleId: string, version: number, change: FiringHealthChange): Promise<boolean> {
  return (await resources.orm.em.fork().nativeUpdate(ScheduleSchema, { id: scheduleId, version }, { ...change, version: version + 1 })) === 1;
}
