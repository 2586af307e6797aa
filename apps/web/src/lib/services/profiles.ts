import type { Client } from '@urql/core';
import { toasts } from '$lib/state/toasts.svelte';
import {
  CreateAgentProfileMutation,
  DeleteAgentProfileMutation,
  UpdateAgentProfileMutation,
  type AgentProfile,
  type AgentProfileInput,
} from '$lib/graphql/profiles';
import { runMutation, type UserError } from './operation';

/** Creates a profile (no id) or replaces one: the stored profile, or the errors to put on the form's fields. */
export async function saveAgentProfile(
  client: Client,
  id: string | null,
  input: AgentProfileInput,
): Promise<{ profile: AgentProfile } | { errors: UserError[] }> {
  const outcome = id ? await runMutation(client, UpdateAgentProfileMutation, { id, input }) : await runMutation(client, CreateAgentProfileMutation, { input });
  const profile = outcome.data && ('updateAgentProfile' in outcome.data ? outcome.data.updateAgentProfile : outcome.data.createAgentProfile).agentProfile;
  if (!outcome.ok || !profile) {
    toasts.show(id ? 'The profile was not saved: fix the highlighted fields.' : 'The profile was not created: fix the highlighted fields.', 'error');
    return { errors: outcome.errors };
  }
  toasts.show(id ? `Profile ${profile.name} saved.` : `Profile ${profile.name} created.`, 'success');
  return { profile };
}

/**
 * Deletes a profile of the user's. A refusal comes back for the confirmation to show: CONFLICT
 * while a workflow step names the profile (the message names the workflows).
 */
export async function deleteAgentProfile(client: Client, profile: Pick<AgentProfile, 'id' | 'name'>): Promise<{ ok: true } | { ok: false; error: UserError }> {
  const outcome = await runMutation(client, DeleteAgentProfileMutation, { id: profile.id });
  if (!outcome.ok) return { ok: false, error: outcome.errors[0] };
  toasts.show(`Profile ${profile.name} deleted.`, 'info');
  return { ok: true };
}
