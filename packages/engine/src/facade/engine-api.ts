import type { ToolCallFilter } from '../db/tool-call-store.js';
import type { ToolCallView } from '../tools/tool-call-view.js';
import type { CostEstimate } from '../budget/cost-estimate-types.js';
import type { WorkflowDefinitionInput } from '../workflows/definition.js';
import type { McpServerInput, McpServerView } from '../tools/mcp-server-registry.js';
import type { McpServerState } from '../tools/mcp-servers.js';
import type { AgentProfileInput, AgentProfileView } from '../profiles/agent-profile.js';
import type { DocumentView, WorkflowRunView, WorkflowView } from '../workflows/read-models.js';
import type { WorkflowStatus } from '../workflows/workflow-state.js';
import type { WorkflowEvent } from '../events/workflow-event.js';
import type { RuntimeDescriptor } from '../runtimes/runtime.js';
import type { SettingView } from '../settings/settings-system.js';
import type { DebugAnalysis, ExecutionStatsView, OptimizationSuggestion, SuggestionAction } from '../intelligence/intelligence-types.js';
import type { CreateScheduleInput, ScheduleParseResult, ScheduleView } from '../schedules/schedule-types.js';
import type { InstanceView } from '../instances/instance-registry.js';
import type { AssistantSystem } from '../assistant/assistant-system.js';
import type { AssistantToolset } from '../assistant/assistant-answer.js';

/** What the API may call of the assistant. */
export type AssistantApi = Pick<AssistantSystem, 'send' | 'conversations' | 'conversation' | 'delete' | 'events' | 'subscribe'>;

export { InstanceRole, INSTANCE_ROLES, type InstanceView } from '../instances/instance-registry.js';

/**
 * The engine's public facade: everything the GraphQL schema and the CLI may call. Methods throw
 * {@link StagentError} subclasses for expected failures (validation, not found, conflict); any
 * other error is a bug and should be masked by callers.
 */

/** Result of starting or retrying a run. */
export interface RunStart {
  workflow: WorkflowView;
  run: WorkflowRunView;
  costEstimate: CostEstimate;
}

/** A page of workflows. */
export interface WorkflowPage {
  /** Shared with other readers of the same unchanged page, and frozen: copy before changing. */
  nodes: readonly WorkflowView[];
  totalCount: number;
  hasNextPage: boolean;
  endCursor: string | null;
}

/** How much of each run {@link EngineApi.listRunsForWorkflows} reads. */
export interface RunListOptions {
  /** Only the latest this many runs of each workflow carry their steps (default: all). */
  stepsOfLatest?: number;
  /** Leave out the large fields (run `costEstimate`, step `output` and `evidence`: null in the views). */
  summaries?: boolean;
}

export interface EngineApi {
  /** Live Stagent processes on this database (heartbeat within a lease, 60 s), first started first. */
  listInstances(): Promise<InstanceView[]>;
  listWorkflows(filter?: { status?: WorkflowStatus | null; first?: number | null; after?: string | null }): Promise<WorkflowPage>;
  getWorkflow(id: string): Promise<WorkflowView | null>;
  createWorkflow(input: WorkflowDefinitionInput): Promise<WorkflowView>;
  updateWorkflow(id: string, input: WorkflowDefinitionInput): Promise<WorkflowView>;
  deleteWorkflow(id: string): Promise<string>;
  executeWorkflow(id: string): Promise<RunStart>;
  retryWorkflowStep(workflowId: string, stepId: string): Promise<RunStart>;
  /** Continues a paused step (or a failed / crashed one with journaled turns) from its last completed turn, optionally with a new cap (USD). */
  resumeWorkflowStep(workflowId: string, stepId: string, budgetUsd?: number | null): Promise<RunStart>;
  cancelWorkflow(id: string): Promise<WorkflowView>;
  resolveCheckpoint(workflowId: string, stepId: string, approved: boolean, comment?: string | null): Promise<WorkflowView>;

  /** Latest runs first. */
  listRuns(workflowId: string, first?: number): Promise<readonly WorkflowRunView[]>;
  /**
   * Batch form for dataloaders: runs per workflow id (latest first, at most `first` each). With
   * `stepsOfLatest`, only the latest that many runs of each workflow carry their steps (the
   * others have `steps: []`): a list that shows the latest run's steps reads one run's steps per
   * workflow instead of `first`. With `summaries`, the large fields are not read and come back
   * null: a run's `costEstimate`, a step's `output` and `evidence` (a list of 50 workflows whose
   * steps wrote pages of text then reads none of it). The lists may be shared with other readers
   * while the database is unchanged, and are then frozen: copy before changing.
   */
  listRunsForWorkflows(workflowIds: readonly string[], first?: number, options?: RunListOptions): Promise<Map<string, readonly WorkflowRunView[]>>;
  getRun(runId: string): Promise<WorkflowRunView | null>;
  /** Resolves when the run's in-process execution settles (immediately when it is not executing here). */
  waitForRun(runId: string): Promise<WorkflowRunView>;

  estimateWorkflowCost(input: WorkflowDefinitionInput): Promise<CostEstimate>;
  estimateStoredWorkflow(workflowId: string): Promise<CostEstimate>;
  /** Batch form for dataloaders. */
  estimateStoredWorkflows(workflowIds: readonly string[]): Promise<Map<string, CostEstimate>>;

  listEvents(workflowId: string, options?: { afterSeq?: number; runId?: string }): Promise<WorkflowEvent[]>;
  /** Replays stored events with seq > afterSeq, then streams live ones: no gap, no duplicate. */
  subscribe(workflowId: string, afterSeq?: number | null): AsyncIterableIterator<WorkflowEvent>;

  listRuntimes(): Promise<RuntimeDescriptor[]>;
  listSettings(): Promise<SettingView[]>;
  updateSettings(changes: { key: string; value: unknown }[]): Promise<SettingView[]>;

  listDocuments(): Promise<DocumentView[]>;
  getDocuments(ids: readonly string[]): Promise<(DocumentView | null)[]>;
  createDocument(input: { name: string; mimeType: string; content: string }): Promise<DocumentView>;
  getDocumentContent(id: string): Promise<string>;
  deleteDocument(id: string): Promise<string>;

  listMcpServers(): Promise<McpServerView[]>;
  /** A server's live state; connects an enabled server that is not connected yet (a first use). */
  mcpServerState(server: McpServerView): Promise<McpServerState>;
  createMcpServer(input: McpServerInput): Promise<McpServerView>;
  updateMcpServer(id: string, input: McpServerInput): Promise<McpServerView>;
  deleteMcpServer(id: string): Promise<string>;
  /** The built-in agent profiles (general, researcher, analyst, writer), then the user's own by name. */
  listAgentProfiles(): Promise<AgentProfileView[]>;
  getAgentProfile(id: string): Promise<AgentProfileView | null>;
  /** Every bad field is reported at once (ValidationError); nothing is stored then. */
  createAgentProfile(input: AgentProfileInput): Promise<AgentProfileView>;
  /** READ_ONLY for a built-in profile; CONFLICT when a step that names it could no longer run. */
  updateAgentProfile(id: string, input: AgentProfileInput): Promise<AgentProfileView>;
  /** READ_ONLY for a built-in profile; CONFLICT while a workflow step names it. */
  deleteAgentProfile(id: string): Promise<string>;
  /** Stored tool calls, newest first (at most 500), filtered by every filter given. */
  listToolCalls(filter: ToolCallFilter): Promise<ToolCallView[]>;
  /** Approves or denies a call that waits; its step goes on either way. */
  /** `assistantTools`: the caller's tools, with which an assistant answer whose call this was goes on (required for those calls). */
  resolveToolCall(id: string, approved: boolean, comment?: string | null, assistantTools?: AssistantToolset): Promise<ToolCallView>;

  /** The Stagent assistant. */
  readonly assistant: AssistantApi;

  debugAnalysis(workflowId: string, runId?: string | null): Promise<DebugAnalysis | null>;
  optimizeWorkflow(input: WorkflowDefinitionInput, workflowId?: string | null): Promise<OptimizationSuggestion[]>;
  applySuggestion(workflowId: string, action: SuggestionAction): Promise<WorkflowView>;
  executionStats(): Promise<ExecutionStatsView[]>;

  listSchedules(): Promise<ScheduleView[]>;
  parseSchedule(expression: string, timezone?: string | null): Promise<ScheduleParseResult>;
  createSchedule(input: CreateScheduleInput): Promise<ScheduleView>;
  setScheduleActive(id: string, active: boolean): Promise<ScheduleView>;
  deleteSchedule(id: string): Promise<string>;
}
