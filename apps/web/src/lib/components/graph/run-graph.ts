import { formatDuration, formatQuantity } from '@stagent/engine/format';
import type { RunWorkflow, StepRun } from '$lib/graphql/run';
import type { ToolCall } from '$lib/graphql/tools';
import type { GraphDefinition, GraphStep, StepInfo } from './graph-layout';

// Type-only imports of the graph above: this module is loaded with the run view, the graph itself on demand.

/** The run's workflow as the graph draws it, with its pattern options (stop condition, gates, delays). */
export function runDefinition(workflow: RunWorkflow): GraphDefinition {
  return {
    name: workflow.name,
    pattern: workflow.pattern,
    config: (workflow.config as Record<string, unknown> | null) ?? null,
    steps: workflow.steps.map((s) => ({ id: s.id, name: s.name, documentIds: s.documentIds })),
  };
}

/** What the run view's graph reads, each call returning the live value (so nodes follow the subscription). */
export interface RunGraphSource {
  steps: () => readonly StepRun[];
  /** Tool calls waiting for a person's decision. */
  waitingToolCalls: () => readonly ToolCall[];
  /** The wall clock in ms, ticking while the run is followed (a running step's elapsed time). */
  now: () => number;
}

/** A failed step leads to the debug analysis and its Retry, a paused one to its Resume control. */
function linkFor(step: StepRun): StepInfo['link'] {
  if (step.status === 'PAUSED') return { href: `#resume-${step.stepId}`, text: 'Resume' };
  if (step.status === 'FAILED') return { href: '#debug-heading', text: 'Debug, retry' };
  return null;
}

/** A waiting tool call is reviewed in the step's tool calls; a gate waits at the checkpoint controls. */
function approvalFor(step: StepRun, waiting: readonly ToolCall[]): StepInfo['approval'] {
  const calls = waiting.filter((c) => c.stepId === step.stepId);
  if (calls.length > 0) {
    const text = `${formatQuantity(calls.length, 'tool call')} ${calls.length === 1 ? 'awaits' : 'await'} approval`;
    return { text, href: `#toolcall-${calls[0]!.id}` };
  }
  if (step.status === 'WAITING_APPROVAL') return { text: 'Awaits approval to run', href: '#checkpoint-heading' };
  return null;
}

/** A step in these states is still under way: its time runs with the clock. */
const UNDER_WAY = new Set(['RUNNING', 'WAITING_APPROVAL']);

/** Time the step has taken: the clock's reading while it is under way, else its recorded duration. */
function elapsedMs(step: StepRun, now: () => number): number | null {
  const started = step.startedAt ? Date.parse(step.startedAt) : null;
  if (started !== null && UNDER_WAY.has(step.status) && !step.finishedAt) return Math.max(0, now() - started);
  if (step.durationMs !== null && step.durationMs !== undefined) return step.durationMs;
  if (started === null || !step.finishedAt) return null;
  return Math.max(0, Date.parse(step.finishedAt) - started);
}

/**
 * A node's live state from the run's step runs. A loop's iterations share a step id: the node
 * shows the latest, and the tokens and cost of all.
 */
export function runStepInfo(source: RunGraphSource): (step: GraphStep) => StepInfo {
  return (step) => {
    const runs = source.steps().filter((s) => s.stepId === step.id);
    const latest = runs.reduce<StepRun | undefined>(
      (a, b) => (!a || b.iteration > a.iteration || (b.iteration === a.iteration && b.attempt > a.attempt) ? b : a),
      undefined,
    );
    if (!latest) return { runtime: 'Not started yet', model: 'not known yet' };
    const details = [
      // Loop iterations are 1-based; 0 outside loops.
      latest.iteration > 0 ? `Iteration ${latest.iteration}` : '',
      latest.attempt > 1 ? `attempt ${latest.attempt}` : '',
      latest.currentTool ? `calling ${latest.currentTool}` : '',
    ].filter(Boolean);
    const tokens = runs.reduce((sum, s) => sum + (s.inputTokens ?? 0) + (s.outputTokens ?? 0), 0);
    const elapsed = elapsedMs(latest, source.now);
    // A step the run has not reached yet has used nothing: no usage line rather than "0 tokens".
    const started = runs.some((s) => s.startedAt);
    return {
      runtime: latest.runtimeId ?? (started ? 'Default runtime' : 'Not started yet'),
      model: latest.modelId ?? (started ? 'runtime default' : 'not known yet'),
      usd: runs.reduce((sum, s) => sum + s.costUsd, 0),
      capUsd: latest.budgetUsd,
      status: latest.status,
      detail: details.join(' · ') || null,
      link: linkFor(latest),
      usage: started ? [formatQuantity(tokens, 'token'), elapsed === null ? '' : formatDuration(elapsed)].filter(Boolean).join(' · ') : null,
      approval: approvalFor(latest, source.waitingToolCalls()),
    };
  };
}
