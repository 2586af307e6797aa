import type { WorkflowListItem } from '$lib/graphql/workflow';

let n = 0;

/** A row of the workflow list as the API returns it; `stepCount` steps, never run. */
export function workflowListItemFactory(overrides: Partial<WorkflowListItem> & { stepCount?: number } = {}): WorkflowListItem {
  n += 1;
  const { stepCount = 1, ...rest } = overrides;
  return {
    id: `wf-${n}`,
    name: `Workflow ${n}`,
    description: null,
    pattern: 'SEQUENCE',
    status: 'ACTIVE',
    updatedAt: new Date(1_700_000_000_000).toISOString(),
    steps: Array.from({ length: stepCount }, (_, i) => ({ id: `s${i + 1}` })),
    latestRun: null,
    runs: [],
    ...rest,
  } as WorkflowListItem;
}
