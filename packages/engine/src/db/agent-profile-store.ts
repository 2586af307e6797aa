import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { AgentProfileSchema, type AgentProfileRow } from './entities/agent-profile.entity.js';
import { WorkflowSchema, type Workflow } from './entities/workflow.entity.js';
import { columnsOf } from './direct-sql.js';
import { serializeTransactions } from './row-locks.js';
import { projection } from './select-projection.js';
import type { SqlExecutor } from './sql-executor.js';
import type { UnitOfWork } from './unit-of-work.js';
import type { EngineResources } from '../resources.js';

// Rows of user agent profiles (the built-in ones are code constants). Workflow steps name a
// profile inside their definition JSON, so no foreign key guards those references: the writes that
// make or break one (saving a workflow that names user profiles, changing or deleting a profile)
// take one lock, `lockProfileReferences`, and check inside their transaction.

type Resources = Pick<EngineResources, 'orm'>;

/** Every user profile, by name. */
export function listAgentProfileRows(resources: Resources): Promise<AgentProfileRow[]> {
  return resources.orm.em.fork().find(AgentProfileSchema, {}, { orderBy: { nameKey: 'asc' }, disableIdentityMap: true });
}

/** The user profiles of `ids` that exist, in no particular order. */
export function findAgentProfileRows(resources: Resources, ids: readonly string[]): Promise<AgentProfileRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return resources.orm.em.fork().find(AgentProfileSchema, { id: { $in: [...new Set(ids)] } }, { disableIdentityMap: true });
}

/** The id of the profile whose name is `nameKey` without regard to case, if any. */
export async function agentProfileIdByNameKey(resources: Resources, nameKey: string): Promise<string | null> {
  return (await resources.orm.em.fork().findOne(AgentProfileSchema, { nameKey }, { fields: ['id'], disableIdentityMap: true }))?.id ?? null;
}

/** Inserts a profile; false when its name was taken meanwhile (the unique index decides races). */
export async function insertAgentProfileRow(resources: Resources, row: AgentProfileRow): Promise<boolean> {
  try {
    await resources.orm.em.fork().insert(AgentProfileSchema, row);
    return true;
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) return false;
    throw error;
  }
}

/** Replaces a profile's fields in the caller's transaction: 'updated', 'missing', or 'name-taken' (another profile took the name meanwhile). */
export async function updateAgentProfileRow(
  uow: UnitOfWork,
  id: string,
  change: Omit<AgentProfileRow, 'id' | 'createdAt'>,
): Promise<'updated' | 'missing' | 'name-taken'> {
  try {
    return (await uow.em.nativeUpdate(AgentProfileSchema, { id }, change)) === 1 ? 'updated' : 'missing';
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) return 'name-taken';
    throw error;
  }
}

/** Deletes a profile in the caller's transaction; false when it did not exist. */
export async function deleteAgentProfileRow(uow: UnitOfWork, id: string): Promise<boolean> {
  return (await uow.em.nativeDelete(AgentProfileSchema, { id })) === 1;
}

/**
 * Serialises, until the end of the calling transaction, every write that makes or breaks a step's
 * reference to a user profile: a workflow saved with one cannot commit between another
 * transaction's check that no workflow names a profile and that profile's delete (PostgreSQL runs
 * them at once; SQLite has one writer already).
 */
export function lockProfileReferences(sql: SqlExecutor): Promise<void> {
  return serializeTransactions(sql, 'agent-profile-references');
}

/** `updatedAt` of each of the user profiles of `ids` that exist now, in the caller's transaction. */
export async function agentProfileStamps(uow: UnitOfWork, ids: readonly string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await uow.em.find(AgentProfileSchema, { id: { $in: [...new Set(ids)] } }, { fields: ['id', 'updatedAt'], disableIdentityMap: true });
  return new Map(rows.map((r) => [r.id, r.updatedAt]));
}

/**
 * The workflows whose definition has a step naming the profile `profileId`, by name. The text
 * search only narrows the rows read (profile ids are UUIDs, so other text rarely holds one); the
 * steps of each row read decide.
 */
export async function workflowsNamingProfile(sql: SqlExecutor, profileId: string): Promise<Pick<Workflow, 'id' | 'name' | 'definition'>[]> {
  const workflows = projection(sql, WorkflowSchema, ['id', 'name', 'definition'] as const);
  const c = columnsOf(sql.metadata, WorkflowSchema);
  const rows = await sql.all(`select ${workflows.list} from ${c.table} where cast(${c.column('definition').name} as text) like ? order by name`, [
    `%"${profileId}"%`,
  ]);
  return rows.map((r) => workflows.map(r)).filter((w) => w.definition.steps.some((s) => s.profileId === profileId));
}
