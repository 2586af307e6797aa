import type { Client } from '@urql/core';
import { toasts } from '$lib/state/toasts.svelte';
import { CreateScheduleMutation, DeleteScheduleMutation, SetScheduleActiveMutation } from '$lib/graphql/schedule';
import { runMutation, type UserError } from './operation';

export interface NewSchedule {
  name: string;
  prompt: string;
  expression: string;
  timezone: string | null;
  workflowId: string | null;
}

export async function createSchedule(client: Client, input: NewSchedule): Promise<UserError[]> {
  const outcome = await runMutation(client, CreateScheduleMutation, input);
  if (!outcome.ok) {
    toasts.show('The schedule was not created.', 'error');
    return outcome.errors;
  }
  toasts.show('Schedule created.', 'success');
  return [];
}

export async function setScheduleActive(client: Client, id: string, active: boolean): Promise<boolean> {
  const outcome = await runMutation(client, SetScheduleActiveMutation, { id, active });
  if (!outcome.ok) toasts.show(outcome.errors[0].message, 'error');
  else toasts.show(active ? 'Schedule resumed.' : 'Schedule paused.', 'info');
  return outcome.ok;
}

export async function deleteSchedule(client: Client, id: string): Promise<boolean> {
  const outcome = await runMutation(client, DeleteScheduleMutation, { id });
  if (!outcome.ok) toasts.show(outcome.errors[0].message, 'error');
  else toasts.show('Schedule deleted.', 'info');
  return outcome.ok;
}
