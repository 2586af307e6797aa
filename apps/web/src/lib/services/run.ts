import type { Client } from '@urql/core';
import { goto } from '$app/navigation';
import { Route } from '$lib/route';
import { toasts } from '$lib/state/toasts.svelte';
import { CancelWorkflowMutation, ExecuteWorkflowMutation, ResolveCheckpointMutation, ResumeStepMutation, RetryStepMutation } from '$lib/graphql/run';
import { formatUsd } from '@stagent/engine/format';
import { runMutation, type UserError } from './operation';
import { applySuggestion } from './workflow';

/** Starts a run (or a re-run) and opens its run view. */
export async function executeWorkflow(client: Client, workflowId: string): Promise<string | null> {
  const outcome = await runMutation(client, ExecuteWorkflowMutation, { id: workflowId });
  const runId = outcome.data?.executeWorkflow.run?.id;
  if (!outcome.ok || !runId) {
    toasts.show(`The run did not start: ${outcome.errors[0]?.message ?? 'no run returned'}`, 'error');
    return null;
  }
  const estimate = outcome.data?.executeWorkflow.costEstimate?.totalUsd;
  toasts.show(`Run started${estimate !== undefined ? ` (estimated ${formatUsd(estimate)})` : ''}.`, 'success');
  await goto(Route.run({ workflowId, runId }));
  return runId;
}

/** Re-runs one failed step in the same run, keeping completed outputs. */
export async function retryStep(client: Client, workflowId: string, stepId: string): Promise<boolean> {
  const outcome = await runMutation(client, RetryStepMutation, { workflowId, stepId });
  if (!outcome.ok) {
    toasts.show(`Retry failed: ${outcome.errors[0].message}`, 'error');
    return false;
  }
  toasts.show('Retrying the step.', 'success');
  return true;
}

/**
 * Resumes a paused step (or a failed one with journaled turns) from its last completed turn with
 * a new cap; the turns done are reused, not paid again. Returns the errors for the form: OUT_OF_RANGE
 * on budgetUsd (at or below what the step spent), NOT_APPLICABLE, CONFLICT (the run is live).
 */
export async function resumeStep(
  client: Client,
  workflowId: string,
  step: { stepId: string; name: string },
  budgetUsd: number,
): Promise<{ ok: true } | { ok: false; errors: UserError[] }> {
  const outcome = await runMutation(client, ResumeStepMutation, { workflowId, stepId: step.stepId, budgetUsd });
  if (!outcome.ok) {
    toasts.show(`${step.name} did not resume: ${outcome.errors[0].message}`, 'error');
    return { ok: false, errors: outcome.errors };
  }
  toasts.show(`Resuming ${step.name} with a cap of ${formatUsd(budgetUsd)}.`, 'success');
  return { ok: true };
}

export async function cancelWorkflow(client: Client, workflowId: string): Promise<boolean> {
  const outcome = await runMutation(client, CancelWorkflowMutation, { id: workflowId });
  if (!outcome.ok) {
    toasts.show(`Cancel failed: ${outcome.errors[0].message}`, 'error');
    return false;
  }
  toasts.show('Run cancelled.', 'info');
  return true;
}

export async function resolveCheckpoint(client: Client, workflowId: string, stepId: string, approved: boolean, comment?: string): Promise<boolean> {
  const outcome = await runMutation(client, ResolveCheckpointMutation, { workflowId, stepId, approved, comment: comment || null });
  if (!outcome.ok) {
    toasts.show(outcome.errors[0].message, 'error');
    return false;
  }
  toasts.show(approved ? 'Checkpoint approved.' : 'Checkpoint rejected.', 'info');
  return true;
}

/**
 * Performs a debug or optimizer action: RETRY_STEP and RERUN_WORKFLOW map to their mutations,
 * everything else (SET_BUDGET, SET_PER_STEP_DOCS, SET_RUNTIME, ...) goes through applySuggestion.
 */
export async function performAction(client: Client, workflowId: string, action: { type: string; payload: unknown }): Promise<boolean> {
  const payload = (action.payload ?? {}) as Record<string, unknown>;
  if (action.type === 'RETRY_STEP' && typeof payload.stepId === 'string') return retryStep(client, workflowId, payload.stepId);
  if (action.type === 'RERUN_WORKFLOW') return (await executeWorkflow(client, workflowId)) !== null;
  return applySuggestion(client, workflowId, action);
}
