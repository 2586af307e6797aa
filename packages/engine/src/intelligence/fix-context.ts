import type { FixSuggestion, FixTier, SuggestionAction } from './intelligence-types.js';
import type { FailureEvidence } from '../db/entities/step-run.entity.js';
import type { StepRunView, WorkflowRunView, WorkflowView } from '../workflows/read-models.js';
import { MAX_BUDGET_USD, MAX_STEP_TURNS } from '../workflows/definition-schema.js';
import { roundUpCents } from '../format/index.js';

/** Everything a fix suggestion may quote or act on, gathered once from the run. */
export interface FixContext {
  workflow: WorkflowView;
  run: WorkflowRunView;
  /** The failing step attempt, or null when the run failed outside any step. */
  step: StepRunView | null;
  /** The step's stored evidence (empty when none was recorded). */
  evidence: FailureEvidence;
  /** The step's pre-flight estimate for this run, USD, when the run has one. */
  estimateUsd: number | null;
  /** A runtime that completed other steps of this same run, other than the failing step's; null if none. */
  alternativeRuntimeId: string | null;
  /** Why SPLIT_STEP cannot be applied to the failing step, or null when it can. */
  splitBlocker: string | null;
  /** Global documents the failing step received. */
  globalDocIds: string[];
  /** Documents bound to the failing step only. */
  stepDocIds: string[];
}

/** A step's display name in quotes, or "the run" when there is no step. */
export function stepLabel(ctx: FixContext): string {
  return ctx.step ? `"${ctx.step.name}"` : 'the run';
}

/**
 * The budget to suggest after a cost-cap stop, USD: the larger of twice what was spent and
 * what was spent plus the step's pre-flight estimate (the step was cut off, so it needs at least
 * as much again), rounded up to cents and never below 1.5x the old cap. Null above what the
 * definition accepts.
 */
export function suggestedBudgetUsd(spentUsd: number, capUsd: number | null, estimateUsd: number | null): number | null {
  const basis = Math.max(2 * spentUsd, spentUsd + (estimateUsd ?? 0), 1.5 * (capUsd ?? 0), 0.01);
  const amount = roundUpCents(basis);
  return amount > MAX_BUDGET_USD ? null : amount;
}

/** Twice the turn limit that was hit, capped at what the schema accepts; null when already at the maximum. */
export function suggestedMaxTurns(limit: number): number | null {
  const next = Math.min(MAX_STEP_TURNS, Math.max(limit + 1, limit * 2));
  return next > limit ? next : null;
}

/** Actions built from the context; each is null when it cannot apply. */
export const actions = {
  retryStep: (ctx: FixContext): SuggestionAction | null => (ctx.step ? { type: 'RETRY_STEP', payload: { stepId: ctx.step.stepId } } : null),
  rerun: (): SuggestionAction => ({ type: 'RERUN_WORKFLOW', payload: {} }),
  resume: (ctx: FixContext, budgetUsd: number): SuggestionAction | null =>
    ctx.step ? { type: 'RESUME_STEP', payload: { stepId: ctx.step.stepId, budgetUsd } } : null,
  split: (ctx: FixContext): SuggestionAction | null =>
    ctx.step && ctx.splitBlocker === null ? { type: 'SPLIT_STEP', payload: { stepId: ctx.step.stepId } } : null,
  /** Stops injecting the global documents into the failing step; it keeps its own documents. */
  dropGlobalDocs: (ctx: FixContext): SuggestionAction | null =>
    ctx.step && ctx.globalDocIds.length > 0 ? { type: 'SET_PER_STEP_DOCS', payload: { stepId: ctx.step.stepId, documentIds: [...ctx.stepDocIds] } } : null,
  switchRuntime: (ctx: FixContext): SuggestionAction | null =>
    ctx.alternativeRuntimeId ? { type: 'SET_RUNTIME', payload: { stepId: ctx.step?.stepId ?? null, runtimeId: ctx.alternativeRuntimeId } } : null,
};

/** Builds one suggestion. */
export function fix(tier: FixTier, title: string, description: string, action: SuggestionAction | null): FixSuggestion {
  return { tier, title, description, action };
}
