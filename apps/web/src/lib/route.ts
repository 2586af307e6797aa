/** Every URL of the dashboard. Components and services never spell a path themselves. */
export const Route = {
  home: () => '/',
  workflows: (params: { status?: string | null } = {}) => (params.status ? `/workflows?status=${encodeURIComponent(params.status)}` : '/workflows'),
  newWorkflow: () => '/workflows/new',
  workflow: ({ id }: { id: string }) => `/workflows/${encodeURIComponent(id)}`,
  run: ({ workflowId, runId }: { workflowId: string; runId: string }) => `/workflows/${encodeURIComponent(workflowId)}/runs/${encodeURIComponent(runId)}`,
  runtimes: () => '/runtimes',
  settings: () => '/settings',
  schedules: () => '/schedules',
  documents: () => '/documents',
  mcpServers: () => '/mcp-servers',
  profiles: () => '/profiles',
  approvals: () => '/approvals',
  instances: () => '/instances',
} as const;
