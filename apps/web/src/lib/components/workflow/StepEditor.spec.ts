import { fireEvent, render, screen, within } from '@testing-library/svelte';
import type { Client } from '@urql/core';
import { describe, expect, it } from 'vitest';
import type { EditorOptions, WorkflowDetail } from '$lib/graphql/workflow';
import { WorkflowForm } from '$lib/state/workflow-form.svelte';
import { McpToolCatalog } from '$lib/state/mcp-tools.svelte';
import StepEditor from './StepEditor.svelte';

const runtime = (id: string, label: string, models: string[]) => ({
  id,
  label,
  available: true,
  capabilities: [],
  models: { default: models[0], supported: models },
});
const options = {
  runtimes: [runtime('simulated', 'Simulator', ['simulated-fast', 'simulated-smart']), runtime('ollama', 'Ollama', ['llama3'])],
  documents: [],
  agentProfiles: [
    {
      id: 'researcher',
      name: 'Researcher',
      builtIn: true,
      description: 'Gathers facts.',
      systemPrompt: 'You are a careful researcher. <b>Cite</b> sources.',
      maxTurns: 20,
      runtimeId: null,
      modelId: null,
      tools: [],
    },
    {
      id: 'p-1',
      name: 'Fast',
      builtIn: false,
      description: null,
      systemPrompt: '',
      maxTurns: null,
      runtimeId: 'simulated',
      modelId: 'simulated-smart',
      tools: [{ tool: 'mcp__*', approval: 'DENY' }],
    },
  ],
} as unknown as EditorOptions;

function setup(initial?: WorkflowDetail) {
  const form = new WorkflowForm(initial);
  form.runtimeId = 'ollama';
  const catalog = new McpToolCatalog({} as Client);
  render(StepEditor, { props: { form, step: form.steps[0], index: 0, options, catalog, estimate: undefined } });
  return form;
}

describe('StepEditor profile', () => {
  it('offers none, the built-in and the user profiles, and puts the choice into the input', async () => {
    const form = setup();
    const select = screen.getByLabelText('Step 1 profile') as HTMLSelectElement;
    expect(within(select).getByRole('group', { name: 'Built in' })).toHaveTextContent('Researcher');
    expect(within(select).getByRole('group', { name: 'My profiles' })).toHaveTextContent('Fast');
    expect(select.value).toBe('');
    await fireEvent.change(select, { target: { value: 'p-1' } });
    expect(form.toInput().steps[0].profileId).toBe('p-1');
    await fireEvent.change(select, { target: { value: '' } });
    expect(form.toInput().steps[0].profileId).toBeNull();
  });

  it("shows what the step inherits: the profile runtime and model as the selects' defaults, turns and the prompt as text", async () => {
    setup();
    const select = screen.getByLabelText('Step 1 profile');
    await fireEvent.change(select, { target: { value: 'p-1' } });
    expect(within(screen.getByLabelText('Step 1 runtime')).getByRole('option', { name: "Profile's: Simulator" })).toBeInTheDocument();
    const model = screen.getByLabelText('Step 1 model');
    expect(within(model).getByRole('option', { name: "Profile's: simulated-smart" })).toBeInTheDocument();
    // The model list is the profile runtime's, not the workflow's (ollama).
    expect(within(model).queryByRole('option', { name: 'llama3' })).toBeNull();
    expect(select).toHaveAccessibleDescription(/Runtime\s*Simulator/);
    expect(select).toHaveAccessibleDescription(/Tools\s*1 grant, read after the step's own/);

    await fireEvent.change(select, { target: { value: 'researcher' } });
    expect(select).toHaveAccessibleDescription(/Max turns\s*20/);
    // The prompt excerpt is text: markup in it is shown, never rendered.
    expect(screen.getByText(/“You are a careful researcher\. <b>Cite<\/b> sources\.”/)).toBeInTheDocument();
    expect(document.querySelector('.profile-hint b')).toBeNull();
  });

  it("keeps a loaded step's profile and shows the server's error on the field", async () => {
    const form = setup({
      name: 'W',
      description: null,
      pattern: 'SEQUENCE',
      runtimeId: null,
      budgetUsd: null,
      config: null,
      tools: [],
      documents: [],
      steps: [
        {
          id: 's',
          name: 'S',
          prompt: 'p',
          runtimeId: null,
          modelId: null,
          budgetUsd: null,
          maxTurns: null,
          profileId: 'researcher',
          documentIds: [],
          tools: [],
        },
      ],
    } as unknown as WorkflowDetail);
    const select = screen.getByLabelText('Step 1 profile') as HTMLSelectElement;
    expect(select.value).toBe('researcher');
    form.errors = [{ field: ['steps', '0', 'profileId'], message: 'Model "simulated-smart" is not offered by Ollama.', code: 'NOT_FOUND' }];
    await Promise.resolve();
    await expect.poll(() => select.getAttribute('aria-invalid')).toBe('true');
    expect(select).toHaveAccessibleDescription(/is not offered by Ollama/);
  });
});
