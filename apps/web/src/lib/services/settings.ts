import type { Client } from '@urql/core';
import { toasts } from '$lib/state/toasts.svelte';
import { UpdateSettingsMutation, type Setting } from '$lib/graphql/settings';
import { runMutation, type UserError } from './operation';

/** Saves changed settings (all-or-nothing on the server). Returns the new settings, or the errors. */
export async function updateSettings(client: Client, input: { key: string; value: unknown }[]): Promise<{ settings: Setting[] | null; errors: UserError[] }> {
  const outcome = await runMutation(client, UpdateSettingsMutation, { input });
  if (!outcome.ok) {
    toasts.show('Settings were not saved: see the messages beside the fields.', 'error');
    return { settings: null, errors: outcome.errors };
  }
  toasts.show('Settings saved.', 'success');
  return { settings: outcome.data.updateSettings.settings, errors: [] };
}
