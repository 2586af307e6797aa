import { ScheduleFiringSchema } from './entities/schedule-firing.entity.js';
import { ScheduleSchema, type ScheduleRow } from './entities/schedule.entity.js';
import { WorkflowSchema } from './entities/workflow.entity.js';
import type { EngineResources } from '../resources.js';
import { inTransaction } from './unit-of-work.js';

// Reads and writes of the schedules table for the schedules system (create, list, pause,
// delete). Firing claims and firing rows are in firing-claims.ts (the scheduler's statements).

type Resources = Pick<EngineResources, 'orm'>;

/** Every schedule, oldest first. */
export function listSchedules(resources: Resources): Promise<ScheduleRow[]> {
  return resources.orm.em.fork().find(ScheduleSchema, {}, { orderBy: { createdAt: 'asc', id: 'asc' } });
}

/** One schedule, or null. */
export function findSchedule(resources: Resources, id: string): Promise<ScheduleRow | null> {
  return resources.orm.em.fork().findOne(ScheduleSchema, { id });
}

/** The active schedules (for the same-minute collision warning). */
export function activeSchedules(resources: Resources): Promise<ScheduleRow[]> {
  return resources.orm.em.fork().find(ScheduleSchema, { active: true });
}

/** Inserts a new schedule row. */
export async function insertSchedule(resources: Resources, row: Partial<ScheduleRow> & Pick<ScheduleRow, 'id' | 'name'>): Promise<void> {
  await resources.orm.em.fork().insert(ScheduleSchema, row as ScheduleRow);
}

/**
 * Applies `change` when the row still has `version` (compare-and-set) and bumps the version;
 * true when it did. Not for claims: the scheduler claims through its own statement.
 */
export async function updateScheduleAtVersion(
  resources: Resources,
  id: string,
  version: number,
  change: Partial<Pick<ScheduleRow, 'active' | 'failureStreak' | 'failureStreakCategory' | 'pausedReason' | 'nextFireAt' | 'updatedAt'>>,
): Promise<boolean> {
  const changed = await resources.orm.em.fork().nativeUpdate(ScheduleSchema, { id, version }, { ...change, version: version + 1 });
  return changed === 1;
}

/** Deletes a schedule and its firing history in one unit of work; false when there was no such schedule. */
export function deleteScheduleWithFirings(resources: EngineResources, id: string): Promise<boolean> {
  return inTransaction(resources, async (uow) => {
    if ((await uow.em.nativeDelete(ScheduleSchema, { id })) !== 1) return false;
    await uow.em.nativeDelete(ScheduleFiringSchema, { scheduleId: id });
    return true;
  });
}

/** Whether a workflow exists (a schedule may name one). */
export async function workflowExists(resources: Resources, id: string): Promise<boolean> {
  return (await resources.orm.em.fork().findOne(WorkflowSchema, { id }, { fields: ['id'] })) !== null;
}
