import type { ToolGrant } from '../tools/tool-grants.js';

/**
 * The stored shape of a workflow definition. Validation (zod) lives in `validation.ts`; this
 * file only names the shapes so that entities and executors can share them.
 */

/** The six execution patterns (contract `WorkflowPattern`). */
export const WorkflowPattern = {
  /** Steps in order; each step receives the previous step's output. Delay steps allowed. */
  SEQUENCE: 'SEQUENCE',
  /** 2-5 branches run concurrently (bounded), then the last step synthesises their outputs. */
  PARALLEL: 'PARALLEL',
  /** Like SEQUENCE, with approval gates before chosen steps. Delay steps allowed. */
  CHECKPOINT: 'CHECKPOINT',
  /** The first step's prompt repeats until max iterations, the time budget, or a completion signal. */
  LOOP: 'LOOP',
  /** A planner (first step) assigns work to 2-5 workers; the last step (refinery) merges it. */
  SWARM: 'SWARM',
  /** The first step plans; every later step executes with the plan in its prompt. */
  PLANNER_EXECUTOR: 'PLANNER_EXECUTOR',
} as const;
export type WorkflowPattern = (typeof WorkflowPattern)[keyof typeof WorkflowPattern];

/** One step as stored. Document bindings are kept in `workflow_document_inputs`, not here. */
export interface StepDefinition {
  id: string;
  name: string;
  prompt: string;
  runtimeId?: string | null;
  modelId?: string | null;
  /** Cost cap for one attempt of this step, USD. */
  budgetUsd?: number | null;
  /** Model turns allowed for this step (overrides setting `runtime.maxTurns`). */
  maxTurns?: number | null;
  /** MCP tools this step may use, read before its profile's grants and the workflow's (tools/tool-grants.ts). */
  tools?: ToolGrant[];
  /**
   * The agent profile whose presets fill what this step leaves empty: system prompt (added),
   * grants (after the step's), runtime, model and turn limit (`profiles/effective-step.ts`).
   * Stored only when set.
   */
  profileId?: string;
  /** The folder an agent CLI works in (openai-codex-app-server); stored only when set. Default: a fresh temporary folder per task. */
  workingDirectory?: string;
}

/** Pattern options (contract `WorkflowDefinitionInput.config`). Each key applies to the patterns named. */
export interface PatternConfig {
  /** LOOP: iterations at most (1-100). */
  maxIterations?: number;
  /** LOOP: wall-clock budget for the whole loop, ms; checked between iterations. */
  timeBudgetMs?: number;
  /** LOOP: case-insensitive phrases that end the loop when the output contains one. Default ["LOOP_COMPLETE"]. */
  completionSignals?: string[];
  /** PARALLEL: branches at once (default 3); SWARM: workers at once (default 2). */
  concurrency?: number;
  /** CHECKPOINT: ids of the steps that wait for approval before they run. */
  checkpoints?: string[];
  /** SEQUENCE / CHECKPOINT: step id → wait duration (`30m`, `2h`, `1d`, `1w`); such a step is a pure wait. */
  delays?: Record<string, string>;
}

/** A validated workflow definition as stored on `workflows.definition`. */
export interface WorkflowDefinition {
  name: string;
  description?: string | null;
  pattern: WorkflowPattern;
  runtimeId?: string | null;
  /** Default cost cap per step attempt for this workflow, USD. */
  budgetUsd?: number | null;
  steps: StepDefinition[];
  config: PatternConfig;
  /** MCP tools every step may use, after the step's own grants. */
  tools?: ToolGrant[];
}

/** What callers submit: a definition plus document bindings (global and per step). */
export interface WorkflowDefinitionInput {
  name: string;
  description?: string | null;
  pattern: WorkflowPattern | string;
  runtimeId?: string | null;
  budgetUsd?: number | null;
  steps: {
    id?: string | null;
    name: string;
    prompt: string;
    runtimeId?: string | null;
    modelId?: string | null;
    budgetUsd?: number | null;
    maxTurns?: number | null;
    documentIds?: string[] | null;
    tools?: ToolGrant[] | null;
    profileId?: string | null;
    workingDirectory?: string | null;
  }[];
  tools?: ToolGrant[] | null;
  /** Global documents, given to every step. */
  documentIds?: string[] | null;
  config?: unknown;
}
