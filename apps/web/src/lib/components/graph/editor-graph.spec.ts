import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WorkflowForm } from '$lib/state/workflow-form.svelte';
import { editorGraphActions, formDefinition } from './editor-graph';

describe('editorGraphActions', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('moves, adds after and removes steps in the form, which the graph reads back', () => {
    const form = new WorkflowForm();
    form.name = 'Graph edits';
    const [first] = form.steps;
    const second = form.addStep();
    const third = form.addStep();
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
