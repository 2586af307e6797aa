import { InstanceSchema, type InstanceRow } from './entities/instance.entity.js';
import type { EngineResources } from '../resources.js';

// Rows of `instances`, one per live Stagent process on this database. When a row counts as
// stale (its heartbeat older than a lease) is the registry's concern (instances/instance-registry.ts):
// it passes the cut-off here as `staleBefore`, epoch ms.

type Resources = Pick<EngineResources, 'orm'>;

/** Writes this instance's row (inserted, or replaced when it is there already) and deletes the rows of instances that stopped heartbeating before `staleBefore`. */
export async function upsertInstanceRow(resources: Resources, row: InstanceRow, staleBefore: number): Promise<void> {
  const em = resources.orm.em.fork();
  await em.upsert(InstanceSchema, row);
  await deleteStaleInstanceRows(resources, staleBefore, row.id);
}

/**
 * Renews this instance's heartbeat and its count of running steps, and deletes stale rows of
 * others. False when its row is gone (another instance swept it after a long pause): the caller
 * registers again.
 */
export async function renewInstanceRow(resources: Resources, id: string, heartbeatAt: number, runningSteps: number, staleBefore: number): Promise<boolean> {
  const updated = await resources.orm.em.fork().nativeUpdate(InstanceSchema, { id }, { heartbeatAt, runningSteps });
  await deleteStaleInstanceRows(resources, staleBefore, id);
  return updated === 1;
}

/** Deletes the rows whose heartbeat is older than `staleBefore` (never `keep`'s); returns how many went. */
export function deleteStaleInstanceRows(resources: Resources, staleBefore: number, keep?: string): Promise<number> {
  return resources.orm.em.fork().nativeDelete(InstanceSchema, { heartbeatAt: { $lt: staleBefore }, ...(keep ? { id: { $ne: keep } } : {}) });
}

export async function deleteInstanceRow(resources: Resources, id: string): Promise<boolean> {
  return (await resources.orm.em.fork().nativeDelete(InstanceSchema, { id })) === 1;
}

/** Instances that heartbeated at or after `since`, first started first (ties by id). */
export function liveInstanceRows(resources: Resources, since: number): Promise<InstanceRow[]> {
  return resources.orm.em.fork().find(InstanceSchema, { heartbeatAt: { $gte: since } }, { orderBy: { startedAt: 'asc', id: 'asc' }, disableIdentityMap: true });
}
