/** The WorkflowStatus values a list can be filtered by (contract enum WorkflowStatus). */
export const WORKFLOW_STATUSES = ['DRAFT', 'ACTIVE', 'PAUSED', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type WorkflowStatusFilter = (typeof WORKFLOW_STATUSES)[number];

export function parseWorkflowStatus(raw: string | null): WorkflowStatusFilter | null {
  return WORKFLOW_STATUSES.find((s) => s === raw) ?? null;
}
