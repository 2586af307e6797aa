import type { RuntimeCatalog } from '../runtimes/catalog.js';
import { priceFor } from '../runtimes/pricing.js';
import type { EffectiveDefinition, EffectiveStep } from '../profiles/effective-step.js';
import { buildDocumentContext } from './document-context.js';
import { stepSystemPrompt, withDocuments } from './prompt-composer.js';
import type { DocumentContent } from '../documents/document-system.js';
import type { CostEstimate, StepCostEstimate } from '../budget/cost-estimate-types.js';
import { countTokens } from '../budget/tokenizer.js';
import { formatPercent, formatUsd } from '../format/index.js';

/** Output tokens expected from a step with no comparable history (a page of Markdown). */
export const DEFAULT_OUTPUT_TOKENS = 800;
/** A step estimate above this share of its cap gets a "close to the cap" warning. */
export const NEAR_CAP_RATIO = 0.8;

/** What the estimate learned from comparable past step runs. */
export interface StepExpectation {
  outputTokens: number;
  turns: number;
  durationMs: number;
  samples: number;
}

/** What the estimator needs besides the definition. */
export interface EstimateInputs {
  catalog: RuntimeCatalog;
  documentsFor(stepId: string): DocumentContent[];
  resolveRuntimeId(step: EffectiveStep): Promise<string>;
  resolveCap(step: EffectiveStep): Promise<number>;
  expectationFor(step: EffectiveStep, modelId: string): StepExpectation | undefined;
}

/**
 * Pre-flight cost estimate of every step, each merged with its agent profile (its runtime, model
 * and system prompt count): input tokens of the composed prompt (exact for
 * OpenAI models, a stated ratio otherwise), expected output tokens and turns (from history
 * when comparable runs exist), priced per model; each turn re-sends the prompt. Advisory only.
 */
export async function estimateCost(definition: EffectiveDefinition, inputs: EstimateInputs): Promise<CostEstimate> {
  const steps: StepCostEstimate[] = [];
  const warnings: string[] = [];
  let previousOutputTokens = 0;
  const iterations = definition.pattern === 'LOOP' ? (definition.config.maxIterations ?? 1) : 1;
  for (const step of definition.steps) {
    if (definition.config.delays?.[step.id]) continue;
    const runtimeId = await inputs.resolveRuntimeId(step);
    const modelId = await inputs.catalog.resolveModel(runtimeId, step.modelId).catch(() => step.modelId ?? 'unknown');
    const docs = inputs.documentsFor(step.id);
    const composed =
      stepSystemPrompt(definition.name, step.name, docs.length > 0, step.profile?.systemPrompt) + withDocuments(buildDocumentContext(docs).text, step.prompt);
    const counted = countTokens(composed, modelId);
    const learned = inputs.expectationFor(step, modelId);
    const outputTokens = learned?.outputTokens ?? DEFAULT_OUTPUT_TOKENS;
    const turns = learned?.turns ?? (docs.length > 0 ? 2 : 1);
    // Previous step output is part of this step's prompt in chained patterns.
    const inputTokens = counted.tokens + (definition.pattern === 'PARALLEL' || definition.pattern === 'SWARM' ? 0 : previousOutputTokens);
    const price = priceFor(modelId);
    const perIterationUsd = price ? (inputTokens * turns * price.input + outputTokens * price.output) / 1_000_000 : 0;
    const cap = await inputs.resolveCap(step);
    const estimatedUsd = round6(perIterationUsd * iterations);
    const budgetUsd = cap * iterations;
    const overBudget = perIterationUsd > cap;
    steps.push({
      stepId: step.id,
      name: step.name,
      runtimeId,
      modelId,
      // Learned figures are means over past runs (84.5 tokens, 1.5 turns): the price above uses
      // them as they are, the counts are reported whole (the API serves them as Int).
      inputTokens: Math.round(inputTokens * turns * iterations),
      outputTokens: Math.round(outputTokens * iterations),
      turns: Math.round(turns * iterations),
      estimatedUsd,
      budgetUsd,
      overBudget,
      exactTokenizer: counted.exact,
      fromHistory: Boolean(learned),
      priced: Boolean(price),
      expectedDurationMs: learned?.durationMs,
    });
    if (!price) warnings.push(`Step "${step.name}": model ${modelId} has no price, so its cost is unknown and its ${formatUsd(cap)} cap cannot be enforced.`);
    else if (overBudget)
      warnings.push(
        `Step "${step.name}" is estimated at ${formatUsd(perIterationUsd)}, over its cap of ${formatUsd(cap)}: it will likely stop with BUDGET_EXCEEDED. Raise the step budget or bind fewer documents.`,
      );
    else if (perIterationUsd > NEAR_CAP_RATIO * cap)
      warnings.push(
        `Step "${step.name}" is estimated at ${formatUsd(perIterationUsd)}, ${formatPercent(perIterationUsd / cap)} of its cap of ${formatUsd(cap)}.`,
      );
    previousOutputTokens = outputTokens;
  }
  const totalUsd = round6(steps.reduce((sum, s) => sum + s.estimatedUsd, 0));
  const budgetUsd = round6(steps.reduce((sum, s) => sum + s.budgetUsd, 0));
  const overBudget = steps.some((s) => s.overBudget) || totalUsd > budgetUsd;
  if (totalUsd > budgetUsd) warnings.push(`The workflow is estimated at ${formatUsd(totalUsd)}, over the sum of its step caps (${formatUsd(budgetUsd)}).`);
  return { totalUsd, budgetUsd, overBudget, warnings, steps };
}

function round6(value: number): number {
  return Math.round(value * 1_000_000) / 1_000_000;
}
