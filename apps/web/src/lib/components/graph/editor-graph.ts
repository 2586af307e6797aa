import type { CostEstimate, EditorOptions } from '$lib/graphql/workflow';
import type { WorkflowForm } from '$lib/state/workflow-form.svelte';
import type { GraphDefinition, GraphStep, StepInfo } from './graph-layout';

// Type-only imports above: this module is loaded with the editor, the graph itself on demand.

/** The definition the editor's form holds, as the graph draws it (the same state, read live). */
export function formDefinition(form: WorkflowForm): GraphDefinition {
  return { name: form.name, pattern: form.pattern, steps: form.steps, config: (form.toInput().config ?? null) as Record<string, unknown> | null };
}

/** A node's runtime, model and estimate against its cap, as the editor knows them. */
export function editorStepInfo(
  form: WorkflowForm,
  options: EditorOptions,
  estimateFor: (stepId: string) => CostEstimate['steps'][number] | undefined,
): (step: GraphStep) => StepInfo {
  return (step) => {
    const draft = form.steps.find((s) => s.id === step.id);
    const profile = draft?.profileId ? options.agentProfiles.find((p) => p.id === draft.profileId) : undefined;
    const runtimeId = step.runtimeId || profile?.runtimeId || form.runtimeId;
    const runtime = runtimeId ? (options.runtimes.find((r) => r.id === runtimeId)?.label ?? runtimeId) : 'Default runtime';
    const estimate = estimateFor(step.id);
    return {
      runtime,
      model: step.modelId || profile?.modelId || estimate?.modelId || 'runtime default',
      usd: estimate?.estimatedUsd ?? null,
      capUsd: estimate?.budgetUsd ?? null,
    };
  };
}

/** Brings a step's editor into view and puts the caret in its name. */
export function focusStepEditor(stepId: string): void {
  const input = document.getElementById(`step-${stepId}-name`);
  input?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  input?.focus({ preventScroll: true });
}
