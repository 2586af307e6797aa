import type { RunWorkflow, StepRun } from '$lib/graphql/run';
import type { GraphDefinition, GraphStep, StepInfo } from './graph-layout';

// Type-only imports above: this module is loaded with the run view, the graph itself on demand.

/** The run's workflow as the graph draws it; its pattern options are not loaded here (config unknown). */
export function runDefinition(workflow: RunWorkflow): GraphDefinition {
  return {
    name: workflow.name,
    pattern: workflow.pattern,
    // The pattern options draw the loop's stop condition, checkpoint gates and delays, as in the editor.
    config: (workflow.config as Record<string, unknown> | null) ?? null,
    steps: workflow.steps.map((s) => ({ id: s.id, name: s.name, documentIds: s.documentIds })),
  };
}

/** A failed step leads to the debug analysis and its Retry, a paused one to its Resume control. */
function linkFor(step: StepRun): StepInfo['link'] {
  if (step.status === 'PAUSED') return { href: `#resume-${step.stepId}`, text: 'Resume' };
  if (step.status === 'FAILED') return { href: '#debug-heading', text: 'Debug, retry' };
  return null;
}

/**
 * A node's live state from the run's step runs (read on each call, so the graph follows the
 * subscription). A loop's iterations share a step id: the node shows the latest and the cost of all.
 */
export function runStepInfo(steps: () => readonly StepRun[]): (step: GraphStep) => StepInfo {
  return (step) => {
    const runs = steps().filter((s) => s.stepId === step.id);
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
    return {
      runtime: latest.runtimeId ?? 'Default runtime',
      model: latest.modelId ?? 'runtime default',
      usd: runs.reduce((sum, s) => sum + s.costUsd, 0),
      capUsd: latest.budgetUsd,
      status: latest.status,
      detail: details.join(' · ') || null,
      link: linkFor(latest),
    };
  };
}
