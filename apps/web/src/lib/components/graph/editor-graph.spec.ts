import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WorkflowForm } from '$lib/state/workflow-form.svelte';
import type { EditorOptions } from '$lib/graphql/workflow';
import { editorGraphActions, editorStepInfo, formDefinition } from './editor-graph';

describe('editorGraphActions', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('moves, adds after and removes steps in the form, which the graph reads back', () => {
    const form = new WorkflowForm();
    form.name = 'Graph edits';
    const [first] = form.steps;
    const second = form.addStep()!;
    const third = form.addStep()!;
    const actions = editorGraphActions(form);

    actions.move(third.id, -1);
    expect(form.steps.map((s) => s.id)).toEqual([first!.id, third.id, second.id]);
    actions.addAfter(first!.id);
    expect(form.steps).toHaveLength(4);
    expect(form.steps[0]!.id).toBe(first!.id);
    expect(form.steps.map((s) => s.id).slice(2)).toEqual([third.id, second.id]);
    actions.remove(third.id);
    expect(form.steps.map((s) => s.id)).not.toContain(third.id);

    const definition = formDefinition(form);
    expect(definition).toMatchObject({ name: 'Graph edits', pattern: 'SEQUENCE' });
    expect(definition.steps.map((s) => s.id)).toEqual(form.steps.map((s) => s.id));
  });

  it('never removes the last step', () => {
    const form = new WorkflowForm();
    editorGraphActions(form).remove(form.steps[0]!.id);
    expect(form.steps).toHaveLength(1);
  });
});

describe('editorStepInfo', () => {
  it("names a step's documents, its runtime and model from the form, and its estimate against its cap", () => {
    const form = new WorkflowForm();
    const step = form.steps[0]!;
    step.documentIds = ['doc-1', 'gone'];
    step.runtimeId = 'simulated';
    step.modelId = 'simulated-fast';
    const options = {
      runtimes: [{ id: 'simulated', label: 'Simulator (no model)' }],
      agentProfiles: [],
      documents: [{ id: 'doc-1', name: 'brand-guide.md' }],
    } as unknown as EditorOptions;
    const estimate = { stepId: step.id, estimatedUsd: 0.02, budgetUsd: 0.5, modelId: 'simulated-smart' };
    const info = editorStepInfo(form, options, (id) => (id === step.id ? (estimate as never) : undefined))(step);
    // A document deleted since is shown by its id rather than dropped.
    expect(info).toEqual({
      documents: 'Documents: brand-guide.md, gone',
      runtime: 'Simulator (no model)',
      model: 'simulated-fast',
      usd: 0.02,
      capUsd: 0.5,
    });
  });
});
