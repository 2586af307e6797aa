import type { ToolGrant } from '../tools/tool-grants.js';
import type { CostEstimate } from '../budget/cost-estimate-types.js';
import type { FailureEvidence } from '../db/entities/step-run.entity.js';
import type { PatternConfig, StepDefinition, WorkflowPattern } from './definition.js';
import type { RunStatus } from './run-state.js';
import type { StepStatus } from './step-state.js';
import type { WorkflowStatus } from './workflow-state.js';
import type { FailureCategory } from '../runtimes/failure-category.js';

/**
 * Read models the engine hands to its callers (GraphQL schema, CLI). Plain objects, never
 * entities; times are epoch ms, money USD, sizes tokens.
 */

/** Current state of one step attempt, with its live metrics. */
export interface StepRunView {
  id: string;
  runId: string;
  stepId: string;
  stepIndex: number;
  name: string;
  status: StepStatus;
  attempt: number;
  /** Loop iteration (1-based) or 0. */
  iteration: number;
  taskId: string | null;
  output: string | null;
  error: string | null;
  failureCategory: FailureCategory | null;
  evidence: FailureEvidence | null;
  runtimeId: string | null;
  modelId: string | null;
  startedAt: number | null;
  finishedAt: number | null;
  durationMs: number | null;
  /** Time since the step started, ms (its duration once finished), as of the event or read that carries it. */
  elapsedMs: number | null;
  /** Expected duration from comparable past steps, ms, when known. */
  estimatedDurationMs: number | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  budgetUsd: number;
  turns: number;
  currentTool: string | null;
  tokensPerSecond: number | null;
  resumeAt: number | null;
  documentCount: number;
  pricingKnown: boolean;
  /** Completed model turns taken from the journal instead of called again (a resume). */
  turnsReused: number;
  /** What those turns cost when first paid for, USD. */
  reusedUsd: number;
}

/** One run of a workflow. `steps` holds the latest attempt of every step (and every loop iteration). */
export interface WorkflowRunView {
  id: string;
  workflowId: string;
  runNumber: number;
  status: RunStatus;
  startedAt: number;
  finishedAt: number | null;
  steps: StepRunView[];
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  costEstimate: CostEstimate | null;
  failureCategory: FailureCategory | null;
  error: string | null;
  pricingKnown: boolean;
  resumeAt: number | null;
  /** Cost of finished work reused instead of run again: steps kept by a retry, turns kept by a resume, USD. */
  reusedUsd: number;
  /** The instance driving the run now (its lease owner id, see `listInstances`); null unless RUNNING. */
  instanceId: string | null;
  /** Times another instance took the run over after its driver died. */
  resumeCount: number;
}

/** A step as defined, with its step-scoped document ids. */
export interface WorkflowStepView extends StepDefinition {
  documentIds: string[];
  tools: ToolGrant[];
}

/** A workflow as defined, with its bindings. */
export interface WorkflowView {
  id: string;
  projectId: string | null;
  name: string;
  description: string | null;
  pattern: WorkflowPattern;
  status: WorkflowStatus;
  runtimeId: string | null;
  budgetUsd: number | null;
  steps: WorkflowStepView[];
  /** Every binding: `stepId` null = global. */
  documents: { documentId: string; stepId: string | null }[];
  config: PatternConfig;
  /** MCP tools every step may use, after each step's own grants. */
  tools: ToolGrant[];
  runNumber: number;
  latestRunId: string | null;
  createdAt: number;
  updatedAt: number;
}

/** A stored document's metadata (content is read separately). */
export interface DocumentView {
  id: string;
  projectId: string | null;
  name: string;
  mimeType: string;
  sizeBytes: number;
  createdAt: number;
}
