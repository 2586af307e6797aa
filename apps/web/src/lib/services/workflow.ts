import type { Client } from '@urql/core';
import { goto } from '$app/navigation';
import { Route } from '$lib/route';
import { toasts } from '$lib/state/toasts.svelte';
import type { WorkflowForm } from '$lib/state/workflow-form.svelte';
import { ApplySuggestionMutation, CreateWorkflowMutation, DeleteWorkflowMutation, UpdateWorkflowMutation } from '$lib/graphql/workflow';
import { runMutation } from './operation';

/** Creates or updates the workflow in the form; puts validation errors on the form's fields. Returns the id on success. */
export async function saveWorkflow(client: Client, form: WorkflowForm, id: string | null): Promise<string | null> {
  const input = form.toInput();
  if (id) {
    const outcome = await runMutation(client, UpdateWorkflowMutation, { id, input });
    form.errors = outcome.errors;
    if (!outcome.ok) {
      toasts.show('The workflow was not saved: fix the highlighted fields.', 'error');
      return null;
    }
    toasts.show('Workflow saved.', 'success');
    return id;
  }
  const outcome = await runMutation(client, CreateWorkflowMutation, { input });
  form.errors = outcome.errors;
  const created = outcome.data?.createWorkflow.workflow?.id;
  if (!outcome.ok || !created) {
    toasts.show('The workflow was not created: fix the highlighted fields.', 'error');
    return null;
  }
  toasts.show('Workflow created.', 'success');
  await goto(Route.workflow({ id: created }), { replaceState: true });
  return created;
}

export async function deleteWorkflow(client: Client, id: string): Promise<boolean> {
  const outcome = await runMutation(client, DeleteWorkflowMutation, { id });
  if (!outcome.ok) {
    toasts.show(outcome.errors[0].message, 'error');
    return false;
  }
  toasts.show('Workflow deleted.', 'success');
  await goto(Route.workflows());
  return true;
}

/** Applies a suggestion's action on the server (`applySuggestion`). */
export async function applySuggestion(client: Client, workflowId: string, action: { type: string; payload: unknown }): Promise<boolean> {
  const outcome = await runMutation(client, ApplySuggestionMutation, { workflowId, action: { type: action.type, payload: action.payload } });
  if (!outcome.ok) {
    toasts.show(`Could not apply: ${outcome.errors[0].message}`, 'error');
    return false;
  }
  toasts.show('Suggestion applied.', 'success');
  return true;
}
