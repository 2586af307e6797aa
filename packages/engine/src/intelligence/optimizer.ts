import type { OptimizationSuggestion, SuggestionAction } from './intelligence-types.js';
import type { CostEstimate } from '../budget/cost-estimate-types.js';
import { WORKFLOW_STEP_DEFAULT_CAP_USD } from '../budget/cap-resolver.js';
import type { WorkflowDefinitionInput } from '../workflows/definition.js';
import { MAX_BUDGET_USD } from '../workflows/definition-schema.js';
import { proposeBindings } from './document-binding.js';
import { formatPercent, formatUsd, roundUpCents } from '../format/index.js';
import type { BucketTally, OptimizerHistory } from './optimizer-history.js';
import { suggestionId } from './suggestion-id.js';

/** Fewest samples behind any rate or cost statistic the optimizer quotes. */
export const MIN_RUNS = 3;
/** A runtime is recommended when its success rate beats the current one by this much (0..1). */
export const RUNTIME_MARGIN = 0.1;
/** A pattern is pointed out when its success rate beats the current one by this much (0..1). */
export const PATTERN_MARGIN = 0.2;
/** Without history, a cap below the pre-flight estimate is raised to the estimate times this (estimates without history are rough). */
export const ESTIMATE_HEADROOM = 1.5;
/** Tolerance for comparing rates, so 0.9 + 0.1 counts as 1.0. */
const EPSILON = 1e-9;

/** What {@link optimize} reads. */
export interface OptimizeInput {
  definition: WorkflowDefinitionInput;
  /** The documents the definition binds (global and per step), with their text. */
  documents: { id: string; name: string; content: string }[];
  history: OptimizerHistory;
  /** Pre-flight estimate of this definition; its per-step caps are the resolved ones. */
  estimate?: CostEstimate;
}

/**
 * Suggestions for a definition, in the order DOCUMENT_BINDING, BUDGET_ESTIMATE (one per step),
 * RUNTIME_RECOMMENDATION, PATTERN_INSIGHT. Each appears only when its data passes its threshold
 * (see the constants above and README.md); ids are stable for the same advice.
 */
export function optimize(input: OptimizeInput): OptimizationSuggestion[] {
  return [
    ...documentSuggestion(input),
    ...input.definition.steps.flatMap((_, i) => budgetSuggestion(input, i)),
    ...runtimeSuggestion(input),
    ...patternSuggestion(input),
  ];
}

function suggestion(
  kind: OptimizationSuggestion['kind'],
  target: string,
  title: string,
  description: string,
  action: SuggestionAction | null,
): OptimizationSuggestion {
  return { id: suggestionId(kind, target, action), kind, title, description, action };
}

function documentSuggestion({ definition, documents }: OptimizeInput): OptimizationSuggestion[] {
  const proposal = proposeBindings(definition, documents);
  if (!proposal) return [];
  const bindings = definition.steps.map((s) => ({ stepId: s.id!, documentIds: proposal.perStep.get(s.id!)! }));
  const saved = proposal.before - proposal.after;
  const nameOf = (id: string) => documents.find((d) => d.id === id)?.name ?? id;
  const placement = proposal.narrowed.map(
    (id) =>
      `${nameOf(id)} → ${definition.steps
        .filter((s) => proposal.perStep.get(s.id!)!.includes(id))
        .map((s) => s.name)
        .join(', ')}`,
  );
  return [
    suggestion(
      'DOCUMENT_BINDING',
      'documents',
      `Bind documents per step: ${saved} fewer document injection${saved === 1 ? '' : 's'}`,
      `${proposal.before} → ${proposal.after} injections. By BM25 relevance of each document to each step's prompt, only some steps need ${placement.length === 1 ? 'this document' : 'these documents'}: ${placement.join('; ')}.`,
      { type: 'SET_PER_STEP_DOCS', payload: { bindings } },
    ),
  ];
}

/** The cap that applies to step `i` now: the estimate's resolved cap, else step > workflow > default. */
function currentCap(input: OptimizeInput, i: number): number {
  const step = input.definition.steps[i]!;
  const fromEstimate = input.estimate?.steps.find((s, j) => (step.id ? s.stepId === step.id : j === i))?.budgetUsd;
  return fromEstimate ?? step.budgetUsd ?? input.definition.budgetUsd ?? WORKFLOW_STEP_DEFAULT_CAP_USD;
}

/** Mean and sample standard deviation (n − 1) of at least two values. */
export function meanAndSd(values: readonly number[]): { mean: number; sd: number } {
  const mean = values.reduce((a, v) => a + v, 0) / values.length;
  const variance = values.length > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, sd: Math.sqrt(variance) };
}

function budgetSuggestion(input: OptimizeInput, i: number): OptimizationSuggestion[] {
  const step = input.definition.steps[i]!;
  const cap = currentCap(input, i);
  const costs = input.history.stepCostsUsd[i] ?? [];
  let amount: number;
  let need: number; // what the step is expected to cost; the suggestion needs the cap below it
  let basis: string;
  if (costs.length >= MIN_RUNS) {
    const { mean, sd } = meanAndSd(costs);
    amount = roundUpCents(mean + sd);
    need = amount;
    basis = `${costs.length} comparable completed runs of "${step.name}" cost ${formatUsd(mean)} on average (± ${formatUsd(sd)}); mean + 1 standard deviation is ${formatUsd(amount)}`;
  } else {
    const estimated = input.estimate?.steps.find((s, j) => (step.id ? s.stepId === step.id : j === i))?.estimatedUsd;
    if (estimated === undefined || estimated <= 0) return [];
    amount = roundUpCents(estimated * ESTIMATE_HEADROOM);
    need = estimated;
    basis = `with no comparable history, the pre-flight estimate is ${formatUsd(estimated)}; ${ESTIMATE_HEADROOM}x that is ${formatUsd(amount)}`;
  }
  if (need <= cap + EPSILON) return [];
  const target = `step:${step.id ?? i}`;
  // No definition may hold a cap above MAX_BUDGET_USD, so no action could set this one.
  if (amount > MAX_BUDGET_USD) {
    return [
      suggestion(
        'BUDGET_ESTIMATE',
        target,
        `"${step.name}" needs more than the highest cap, ${formatUsd(MAX_BUDGET_USD)}`,
        `Its cap is ${formatUsd(cap)}, below what the step needs: ${basis}. Reduce its input or split the step.`,
        null,
      ),
    ];
  }
  const action = step.id ? { type: 'SET_BUDGET', payload: { stepId: step.id, budgetUsd: amount } } : null;
  return [
    suggestion(
      'BUDGET_ESTIMATE',
      target,
      `Raise the budget of "${step.name}" to ${formatUsd(amount)}`,
      `Its cap is ${formatUsd(cap)}, below what the step needs: ${basis}. A run would likely stop with BUDGET_EXCEEDED.`,
      action,
    ),
  ];
}

function runtimeSuggestion({ definition, history }: OptimizeInput): OptimizationSuggestion[] {
  const bucket = history.buckets.find((b) => b.pattern === String(definition.pattern));
  if (!bucket) return [];
  const current = definition.runtimeId ?? history.defaultRuntimeId;
  const baseline = runtimeBaseline(bucket, current);
  if (!baseline) return [];
  const best = Object.entries(bucket.runtimeRuns)
    .filter(([id, t]) => id !== current && t.runs >= MIN_RUNS && t.successes / t.runs >= baseline.rate + RUNTIME_MARGIN - EPSILON)
    .sort(([a, x], [b, y]) => y.successes / y.runs - x.successes / x.runs || y.runs - x.runs || (a < b ? -1 : 1))[0];
  if (!best) return [];
  const [runtimeId, tally] = best;
  const rate = tally.successes / tally.runs;
  return [
    suggestion(
      'RUNTIME_RECOMMENDATION',
      'workflow',
      `Run on ${runtimeId}: ${formatPercent(rate)} success`,
      `In ${bucket.pattern} workflows of ${bucket.stepCount} steps, ${runtimeId} succeeded in ${tally.successes} of ${tally.runs} runs (${formatPercent(rate)}) vs ${formatPercent(baseline.rate)} for ${baseline.label}.`,
      { type: 'SET_RUNTIME', payload: { stepId: null, runtimeId } },
    ),
  ];
}

/** The rate to beat: the current runtime's with enough runs, else the bucket's overall rate. */
function runtimeBaseline(bucket: BucketTally, current: string | null): { rate: number; label: string } | null {
  const own = current ? bucket.runtimeRuns[current] : undefined;
  if (current && own && own.runs >= MIN_RUNS) return { rate: own.successes / own.runs, label: `${current} (${own.successes} of ${own.runs})` };
  if (bucket.sampleCount >= MIN_RUNS) return { rate: bucket.successCount / bucket.sampleCount, label: `all ${bucket.sampleCount} runs of this shape` };
  return null;
}

function patternSuggestion({ definition, history }: OptimizeInput): OptimizationSuggestion[] {
  const pattern = String(definition.pattern);
  const current = history.buckets.find((b) => b.pattern === pattern && b.sampleCount >= MIN_RUNS);
  if (!current) return [];
  const rate = (b: BucketTally) => b.successCount / b.sampleCount;
  const best = history.buckets
    .filter((b) => b.pattern !== pattern && b.sampleCount >= MIN_RUNS && rate(b) >= rate(current) + PATTERN_MARGIN - EPSILON)
    .sort((a, b) => rate(b) - rate(a) || b.sampleCount - a.sampleCount)[0];
  if (!best) return [];
  const points = Math.round((rate(best) - rate(current)) * 100);
  return [
    suggestion(
      'PATTERN_INSIGHT',
      'workflow',
      `Consider ${best.pattern}: ${points} points more successful`,
      `Workflows of ${current.stepCount} steps succeeded ${formatPercent(rate(best))} of the time as ${best.pattern} (${best.successCount} of ${best.sampleCount} runs) vs ${formatPercent(rate(current))} as ${pattern} (${current.successCount} of ${current.sampleCount}).`,
      { type: 'CHANGE_PATTERN', payload: { pattern: best.pattern } },
    ),
  ];
}
