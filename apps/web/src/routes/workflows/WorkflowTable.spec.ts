import { render, screen, within } from '@testing-library/svelte';
import type { Client } from '@urql/core';
import { describe, expect, it } from 'vitest';
import type { WorkflowListItem } from '$lib/graphql/workflow';
import { workflowListItemFactory } from '$test/factories/workflow';
import WithUrqlClient from '$test/WithUrqlClient.svelte';
import WorkflowTable from './WorkflowTable.svelte';

/** A client whose every query answers with this workflow list. */
function clientAnswering(nodes: WorkflowListItem[]): Client {
  return { query: () => ({ toPromise: async () => ({ data: { workflows: { totalCount: nodes.length, nodes } } }) }) } as unknown as Client;
}

describe('WorkflowTable', () => {
  it('counts steps in the singular for one step and in the plural otherwise', async () => {
    const nodes = [
      workflowListItemFactory({ name: 'Pitch polish loop', pattern: 'LOOP', stepCount: 1 }),
      workflowListItemFactory({ name: 'Investor research brief', pattern: 'SEQUENCE', stepCount: 3 }),
    ];
    render(WithUrqlClient, { props: { client: clientAnswering(nodes), component: WorkflowTable, props: { status: null } } });
    const rows = await screen.findAllByRole('row');
    const row = (name: string) => rows.find((r) => within(r).queryByRole('link', { name }))!;
    expect(within(row('Pitch polish loop')).getByText('loop · 1 step')).toBeInTheDocument();
    expect(within(row('Investor research brief')).getByText('sequence · 3 steps')).toBeInTheDocument();
    expect(screen.queryByText(/\b1 steps\b/)).toBeNull();
  });
});
