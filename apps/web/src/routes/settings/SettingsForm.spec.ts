import { fireEvent, render, screen, within } from '@testing-library/svelte';
import type { Client } from '@urql/core';
import { describe, expect, it } from 'vitest';
import type { Setting } from '$lib/graphql/settings';
import WithUrqlClient from '$test/WithUrqlClient.svelte';
import SettingsForm from './SettingsForm.svelte';

const autoApprove: Setting = {
  key: 'assistant.autoApprove',
  value: ['execute_workflow'],
  isSet: true,
  writable: true,
  secret: false,
  description: 'Assistant tools that run without asking.',
  type: 'list',
  min: null,
  max: null,
  options: ['create_workflow', 'execute_workflow', 'delete_workflow'],
};

/** A client answering the settings query with `settings`, and recording each updateSettings input. */
function fakeClient(settings: Setting[]) {
  const saved: unknown[] = [];
  const client = {
    query: () => ({ toPromise: async () => ({ data: { settings } }) }),
    mutation: (_doc: unknown, variables: { input: { key: string; value: unknown }[] }) => ({
      toPromise: async () => {
        saved.push(variables.input);
        const next = settings.map((s) => ({ ...s, value: variables.input.find((i) => i.key === s.key)?.value ?? s.value }));
        return { data: { updateSettings: { settings: next, errors: [] } } };
      },
    }),
  } as unknown as Client;
  return { client, saved };
}

describe('SettingsForm', () => {
  it('edits a list setting as checkboxes and sends a JSON array', async () => {
    const { client, saved } = fakeClient([autoApprove]);
    render(WithUrqlClient, { props: { client, component: SettingsForm, props: {} } });
    const group = await screen.findByRole('group', { name: 'assistant.autoApprove' });
    const box = (name: string) => within(group).getByRole('checkbox', { name }) as HTMLInputElement;
    expect(box('execute_workflow').checked).toBe(true);
    expect(box('create_workflow').checked).toBe(false);
    expect(group).toHaveAccessibleDescription('Assistant tools that run without asking.');

    // Unchanged: nothing is sent.
    await fireEvent.click(box('create_workflow'));
    await fireEvent.click(box('create_workflow'));
    await fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(saved).toEqual([]);

    await fireEvent.click(box('delete_workflow'));
    await fireEvent.click(box('execute_workflow'));
    await fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await screen.findByRole('group', { name: 'assistant.autoApprove' });
    expect(saved).toEqual([[{ key: 'assistant.autoApprove', value: ['delete_workflow'] }]]);
  });
});
