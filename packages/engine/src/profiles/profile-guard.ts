import { agentProfileStamps, lockProfileReferences } from '../db/agent-profile-store.js';
import type { UnitOfWork } from '../db/unit-of-work.js';
import { ConflictError } from '../errors.js';
import type { WorkflowDefinition } from '../workflows/definition.js';
import type { AgentProfileView } from './agent-profile.js';

/**
 * Inside a workflow's save transaction: the user profiles its steps name still exist, unchanged
 * since validation read them. Holds the profile-reference lock until the save commits, so a
 * profile cannot be deleted (or changed to something the steps were not checked against) between
 * the check and the commit. Built-in profiles cannot change and need no lock.
 */
export async function confirmNamedProfiles(uow: UnitOfWork, definition: WorkflowDefinition, validated: ReadonlyMap<string, AgentProfileView>): Promise<void> {
  const own = [...validated.values()].filter((p) => !p.builtIn);
  if (own.length === 0) return;
  await lockProfileReferences(uow.sql);
  const stamps = await agentProfileStamps(
    uow,
    own.map((p) => p.id),
  );
  for (const profile of own) {
    if (stamps.get(profile.id) === profile.updatedAt) continue;
    const index = definition.steps.findIndex((s) => s.profileId === profile.id);
    throw new ConflictError(
      `Agent profile "${profile.name}" was ${stamps.has(profile.id) ? 'changed' : 'deleted'} while this workflow was being saved; check the step and save again.`,
      ['steps', index, 'profileId'],
    );
  }
}
