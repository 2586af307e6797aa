import type { CostEstimate, EditorOptions } from '$lib/graphql/workflow';
import type { WorkflowForm } from '$lib/state/workflow-form.svelte';
import type { GraphActions, GraphDefinition, GraphStep, StepInfo } from './graph-layout';

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
    const documents = (step.documentIds ?? []).map((id) => options.documents.find((d) => d.id === id)?.name ?? id);
    return {
      documents: documents.length ? `Documents: ${documents.join(', ')}` : null,
      runtime,
      model: step.modelId || profile?.modelId || estimate?.modelId || 'runtime default',
      usd: estimate?.estimatedUsd ?? null,
      capUsd: estimate?.budgetUsd ?? null,
    };
  };
}

// A focus request waiting for the graph to redraw (a moved or added node) is dropped when a
// newer one comes first, so a late timer never takes the caret from where the user went since.
let pendingFocus: ReturnType<typeof setTimeout> | undefined;

/** Brings a step's editor into view and puts the caret in its name. */
export function focusStepEditor(stepId: string): void {
  clearTimeout(pendingFocus);
  const input = document.getElementById(`step-${stepId}-name`);
  input?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  input?.focus({ preventScroll: true });
}

/** Puts the keyboard focus on a step's node (or on one of its enabled buttons, by title) once the graph has drawn it. */
export function focusStepNode(stepId: string, buttonTitle = ''): void {
  clearTimeout(pendingFocus);
  pendingFocus = setTimeout(() => {
    const node = document.querySelector<HTMLElement>(`[data-step-id="${CSS.escape(stepId)}"]`);
    const button = buttonTitle ? node?.querySelector<HTMLButtonElement>(`button[title="${buttonTitle}"]:not(:disabled)`) : null;
    (button ?? node)?.focus();
  }, 50);
}

/** Moves, removes and adds steps in the form from the graph; the keyboard focus follows the step on its redrawn node. */
export function editorGraphActions(form: WorkflowForm): GraphActions {
  const indexOf = (stepId: string) => form.steps.findIndex((s) => s.id === stepId);
  return {
    move(stepId, delta) {
      const index = indexOf(stepId);
      if (index < 0) return;
      form.moveStep(index, delta);
      focusStepNode(stepId, delta < 0 ? 'Move earlier' : 'Move later');
    },
    remove(stepId) {
      const index = indexOf(stepId);
      if (index < 0 || form.removeStepBlocked) return;
      form.removeStep(index);
      const next = form.steps[Math.min(index, form.steps.length - 1)];
      if (next) focusStepNode(next.id);
    },
    addAfter(stepId) {
      const index = indexOf(stepId);
      const step = form.addStep();
      if (!step) return;
      // addStep appends: bring the new step right after the chosen one.
      for (let i = form.steps.length - 1; i > index + 1; i--) form.moveStep(i, -1);
      focusStepNode(step.id);
    },
    addBlocked: () => form.addStepBlocked,
    removeBlocked: () => form.removeStepBlocked,
  };
}
