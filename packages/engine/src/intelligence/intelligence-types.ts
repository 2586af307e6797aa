import type { FailureCategory } from '../runtimes/failure-category.js';
import type { WorkflowEventKind } from '../events/event-kind.js';
import type { RunStatus } from '../workflows/run-state.js';

/** What the intelligence layer reports: debug analyses, fix and optimizer suggestions, execution statistics. */

/** Severity of a timeline entry. */
export const Severity = { SUCCESS: 'SUCCESS', INFO: 'INFO', WARNING: 'WARNING', FAILURE: 'FAILURE' } as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

/** Tier of a fix suggestion: QUICK (now), BETTER (change the workflow), BEST (change the approach). */
export const FixTier = { QUICK: 'QUICK', BETTER: 'BETTER', BEST: 'BEST' } as const;
export type FixTier = (typeof FixTier)[keyof typeof FixTier];

/** Kinds of optimizer suggestions. */
export const SuggestionKind = {
  DOCUMENT_BINDING: 'DOCUMENT_BINDING',
  BUDGET_ESTIMATE: 'BUDGET_ESTIMATE',
  RUNTIME_RECOMMENDATION: 'RUNTIME_RECOMMENDATION',
  PATTERN_INSIGHT: 'PATTERN_INSIGHT',
} as const;
export type SuggestionKind = (typeof SuggestionKind)[keyof typeof SuggestionKind];

/** An action a suggestion can apply: SET_PER_STEP_DOCS | SET_BUDGET | SET_RUNTIME | CHANGE_PATTERN | RETRY_STEP | RERUN_WORKFLOW | RESUME_STEP | SPLIT_STEP. */
export interface SuggestionAction {
  type: string;
  payload: Record<string, unknown>;
}

export interface RootCause {
  category: FailureCategory;
  summary: string;
  stepId: string | null;
  evidence: string | null;
}
export interface TimelineEntry {
  /** Epoch ms. */
  at: number;
  kind: WorkflowEventKind;
  severity: Severity;
  stepId: string | null;
  message: string;
}
export interface FixSuggestion {
  tier: FixTier;
  title: string;
  description: string;
  action: SuggestionAction | null;
}
export interface DebugAnalysis {
  workflowId: string;
  runId: string;
  status: RunStatus;
  rootCause: RootCause | null;
  timeline: TimelineEntry[];
  suggestions: FixSuggestion[];
}
export interface OptimizationSuggestion {
  id: string;
  kind: SuggestionKind;
  title: string;
  description: string;
  action: SuggestionAction | null;
}
export interface ExecutionStatsView {
  pattern: string;
  stepCount: number;
  sampleCount: number;
  successRate: number;
  avgCostPerStepUsd: number | null;
  avgDurationPerStepMs: number | null;
  avgDocsPerStep: number | null;
  commonFailures: Record<string, number>;
  runtimeSuccessRates: Record<string, number>;
}
