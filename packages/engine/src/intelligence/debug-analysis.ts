import type { DebugAnalysis, FixSuggestion, RootCause } from './intelligence-types.js';
import type { FailureEvidence } from '../db/entities/step-run.entity.js';
import type { WorkflowEvent } from '../events/workflow-event.js';
import type { FailureCategory } from '../runtimes/failure-category.js';
import type { StepRunView, WorkflowRunView, WorkflowView } from '../workflows/read-models.js';
import { toDefinitionInput } from './apply-suggestion.js';
import { fix, type FixContext } from './fix-context.js';
import { fixesFor } from './fix-suggestions.js';
import { formatCount, formatDuration, formatPercent, formatUsd } from '../format/index.js';
import { splitBlocker } from './step-split.js';
import { buildTimeline } from './timeline.js';

/** What {@link analyzeRun} reads: the workflow as defined now, one run, and that run's stored events. */
export interface AnalyzeRunInput {
  workflow: WorkflowView;
  run: WorkflowRunView;
  /** Events of this run only (any order; sorted by seq). */
  events: WorkflowEvent[];
}

/**
 * Debug analysis of one run: its timeline, the root cause (the first failing step's stored
 * category and evidence; never inferred from message text) and three tiers of fixes with the
 * run's own numbers. A run that did not fail has no root cause and may carry insights.
 */
export function analyzeRun(input: AnalyzeRunInput): DebugAnalysis {
  const { workflow, run } = input;
  const names = new Map(workflow.steps.map((s) => [s.id, s.name] as const));
  const timeline = buildTimeline(input.events, names);
  const failing = firstFailingStep(run);
  const category = failing
    ? (failing.failureCategory ?? run.failureCategory ?? 'UNKNOWN')
    : run.status === 'FAILED' || run.status === 'CANCELLED'
      ? (run.failureCategory ?? 'UNKNOWN')
      : null;
  if (category === null) return { workflowId: workflow.id, runId: run.id, status: run.status, rootCause: null, timeline, suggestions: insights(run) };
  const ctx = fixContext(workflow, run, failing);
  return {
    workflowId: workflow.id,
    runId: run.id,
    status: run.status,
    rootCause: rootCause(category, ctx),
    timeline,
    suggestions: fixesFor(category, ctx),
  };
}

/**
 * The failed step attempt that ended first (ties: lower step index), among the latest attempts.
 * In a cancelled run without failures: the step that was running when it was cancelled.
 */
export function firstFailingStep(run: WorkflowRunView): StepRunView | null {
  let failed = run.steps.filter((s) => s.status === 'FAILED');
  // A run paused at a cap: the step that paused is what needs a decision (Resume, with the numbers).
  if (failed.length === 0 && run.status === 'PAUSED') failed = run.steps.filter((s) => s.status === 'PAUSED');
  if (failed.length === 0 && run.status === 'CANCELLED') failed = run.steps.filter((s) => s.status === 'CANCELLED' && s.startedAt !== null);
  failed.sort((a, b) => (a.finishedAt ?? Infinity) - (b.finishedAt ?? Infinity) || a.stepIndex - b.stepIndex || a.iteration - b.iteration);
  return failed[0] ?? null;
}

function fixContext(workflow: WorkflowView, run: WorkflowRunView, step: StepRunView | null): FixContext {
  const input = toDefinitionInput(workflow);
  const defined = step ? input.steps.find((s) => s.id === step.stepId) : undefined;
  const failedRuntime = step?.runtimeId ?? null;
  const alternative = run.steps.find((s) => s.status === 'COMPLETED' && s.runtimeId && s.runtimeId !== failedRuntime)?.runtimeId ?? null;
  return {
    workflow,
    run,
    step,
    evidence: withoutNulls(step?.evidence ?? {}),
    estimateUsd: step ? (run.costEstimate?.steps.find((s) => s.stepId === step.stepId)?.estimatedUsd ?? null) : null,
    alternativeRuntimeId: alternative,
    splitBlocker: !step ? 'The run failed outside any step.' : !defined ? 'The step is no longer in the definition.' : splitBlocker(input, step.stepId),
    // A step removed from the definition since the run cannot receive per-step bindings.
    globalDocIds: defined ? [...(input.documentIds ?? [])] : [],
    stepDocIds: defined ? [...(defined.documentIds ?? [])] : [],
  };
}

/** Evidence with null fields dropped (stored JSON may carry explicit nulls), so `?? fallback` works. */
function withoutNulls(evidence: FailureEvidence): FailureEvidence {
  return Object.fromEntries(Object.entries(evidence).filter(([, v]) => v !== null && v !== undefined)) as FailureEvidence;
}

function rootCause(category: FailureCategory, ctx: FixContext): RootCause {
  const evidence = evidenceText(ctx.evidence, ctx.step);
  const where = ctx.step ? `Step "${ctx.step.name}" (${ctx.step.stepIndex + 1} of ${ctx.workflow.steps.length})` : 'The run';
  const paused = ctx.step?.status === 'PAUSED';
  const what = paused ? `paused at a cap (${category})` : `failed with ${category}`;
  // A paused step's error starts "Paused:", which `what` already says.
  const error = (paused ? ctx.step?.error?.replace(/^Paused: /, '') : ctx.step?.error) || ctx.run.error;
  const summary = `${where} ${what}${error ? `: ${error}` : '.'}`;
  return { category, summary, stepId: ctx.step?.stepId ?? null, evidence };
}

/**
 * Evidence as sentences from the stored numbers: spent vs cap, tokens vs cap, turns vs limit,
 * prompt size vs context window, deadline, retries, HTTP status, the failing tool and the provider's message.
 * Null when nothing was recorded.
 */
export function evidenceText(ev: FailureEvidence, step: StepRunView | null): string | null {
  const parts: string[] = [];
  if (ev.spentUsd != null || ev.capUsd != null)
    parts.push(`Spent ${formatUsd(ev.spentUsd ?? step?.costUsd ?? 0)} of a ${formatUsd(ev.capUsd ?? step?.budgetUsd ?? 0)} cap.`);
  if (ev.tokensUsed != null && ev.tokenCap != null) parts.push(`Used ${formatCount(ev.tokensUsed)} of ${formatCount(ev.tokenCap)} tokens allowed.`);
  if (ev.dailySpentUsd != null && ev.dailyCapUsd != null) parts.push(`Spent ${formatUsd(ev.dailySpentUsd)} today of a ${formatUsd(ev.dailyCapUsd)} daily cap.`);
  if (ev.turns != null || ev.maxTurns != null) parts.push(`Used ${ev.turns ?? step?.turns ?? 0} of ${ev.maxTurns ?? '?'} turns.`);
  if (ev.promptTokens != null && ev.contextWindow != null)
    parts.push(`Prompt of ${formatCount(ev.promptTokens)} tokens vs a ${formatCount(ev.contextWindow)}-token context window.`);
  if (ev.deadlineMs != null)
    parts.push(`Deadline ${formatDuration(ev.deadlineMs)}${step?.durationMs != null ? `, ran ${formatDuration(step.durationMs)}` : ''}.`);
  if (ev.retries != null) parts.push(`${ev.retries} ${ev.retries === 1 ? 'retry' : 'retries'} spent.`);
  if (ev.httpStatus != null) parts.push(`HTTP ${ev.httpStatus}.`);
  if (ev.toolName) parts.push(`Tool ${ev.toolName}${ev.toolError ? ` said: "${ev.toolError.slice(0, 500)}"` : ' failed.'}`);
  // The step's own error is in the summary; only the provider's words are added here.
  if (ev.providerMessage) parts.push(`Provider said: "${ev.providerMessage}"`);
  return parts.length ? parts.join(' ') : null;
}

/**
 * Insights for a run that did not fail: the slowest step (share of summed step time) and the
 * most expensive step (share of run cost). Only with two or more steps that have numbers; a
 * one-step run has nothing to compare. Tier BETTER (a change to the workflow), no action.
 */
function insights(run: WorkflowRunView): FixSuggestion[] {
  const timed = run.steps.filter((s) => s.durationMs !== null && s.durationMs > 0);
  const out: FixSuggestion[] = [];
  if (timed.length >= 2) {
    const total = timed.reduce((sum, s) => sum + s.durationMs!, 0);
    const slowest = timed.reduce((a, b) => (b.durationMs! > a.durationMs! ? b : a));
    out.push(
      fix(
        'BETTER',
        `Slowest step: "${slowest.name}"`,
        `It took ${formatDuration(slowest.durationMs!)}, ${formatPercent(slowest.durationMs! / total)} of the ${formatDuration(total)} spent in steps.`,
        null,
      ),
    );
  }
  const costed = run.steps.filter((s) => s.costUsd > 0);
  if (costed.length >= 2) {
    const total = costed.reduce((sum, s) => sum + s.costUsd, 0);
    const priciest = costed.reduce((a, b) => (b.costUsd > a.costUsd ? b : a));
    out.push(
      fix(
        'BETTER',
        `Largest cost share: "${priciest.name}"`,
        `It cost ${formatUsd(priciest.costUsd)}, ${formatPercent(priciest.costUsd / total)} of the run's ${formatUsd(total)}.`,
        null,
      ),
    );
  }
  return out;
}
