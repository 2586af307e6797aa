import type { CostEstimate, StepCostEstimate } from '@stagent/engine';
import { builder } from '../builder.js';
import { expected } from './common.js';
import { toDefinitionInput, WorkflowDefinitionInputRef, WorkflowRef } from './workflow.js';

const StepCostEstimateRef = builder.objectRef<StepCostEstimate>('StepCostEstimate').implement({
  description: 'Pre-flight estimate for one step. Money in USD, sizes in tokens.',
  fields: (t) => ({
    stepId: t.exposeID('stepId', { description: 'Step id.' }),
    name: t.exposeString('name', { description: 'Step name.' }),
    runtimeId: t.exposeString('runtimeId', { description: 'Runtime the step would run on.' }),
    modelId: t.exposeString('modelId', { description: 'Model the estimate is priced for.' }),
    inputTokens: t.exposeInt('inputTokens', { description: 'Input tokens of the composed prompt (documents included), per turn, tokens.' }),
    outputTokens: t.exposeInt('outputTokens', { description: 'Expected output tokens over all turns, tokens.' }),
    turns: t.exposeInt('turns', { description: 'Expected model turns (calls).' }),
    estimatedUsd: t.exposeFloat('estimatedUsd', { description: 'Estimated cost of the step, USD.' }),
    budgetUsd: t.exposeFloat('budgetUsd', { description: 'Cost cap that applies to the step, USD.' }),
    overBudget: t.exposeBoolean('overBudget', { description: 'Whether the estimate exceeds the cap (the step would likely be stopped).' }),
    exactTokenizer: t.exposeBoolean('exactTokenizer', {
      description: "Whether input tokens come from the model's real tokenizer (otherwise a calibrated characters-per-token ratio).",
    }),
    fromHistory: t.exposeBoolean('fromHistory', { description: 'Whether output tokens and turns come from comparable past runs.' }),
    priced: t.exposeBoolean('priced', { description: 'Whether the model has a known price (otherwise estimatedUsd is 0 and a warning says so).' }),
    expectedDurationMs: t.int({
      nullable: true,
      description: 'Expected wall-clock duration from history, ms; null without history.',
      resolve: (s) => s.expectedDurationMs ?? null,
    }),
  }),
});

/** Contract `CostEstimate`. */
export const CostEstimateRef = builder.objectRef<CostEstimate>('CostEstimate').implement({
  description: 'Pre-flight cost estimate of a workflow. Advisory: it never blocks a run.',
  fields: (t) => ({
    totalUsd: t.exposeFloat('totalUsd', { description: 'Estimated cost of all steps, USD.' }),
    budgetUsd: t.exposeFloat('budgetUsd', { description: 'Sum of the step caps that apply, USD.' }),
    overBudget: t.exposeBoolean('overBudget', { description: 'Whether any step is estimated over its cap.' }),
    warnings: t.exposeStringList('warnings', { description: 'Sentences about risks: steps over budget, unknown prices, truncated documents.' }),
    steps: t.field({ type: [StepCostEstimateRef], description: 'Per-step estimates in step order.', resolve: (e) => e.steps }),
  }),
});

builder.objectField(WorkflowRef, 'costEstimate', (t) =>
  t.field({
    type: CostEstimateRef,
    description: 'Pre-flight estimate of the stored definition with its documents (USD, tokens). Batched across a list.',
    resolve: (w, _args, ctx) => ctx.loaders.costEstimate.load(w.id),
  }),
);

builder.queryField('estimateWorkflowCost', (t) =>
  t.field({
    type: CostEstimateRef,
    description:
      'Estimates an unsaved definition. A definition that is not valid yields a GraphQL error with code BAD_USER_INPUT and one `issues` entry (field, message, code) per problem.',
    args: { input: t.arg({ type: WorkflowDefinitionInputRef, required: true, description: 'The definition to estimate.' }) },
    resolve: (_root, args, ctx) => expected(() => ctx.engine.estimateWorkflowCost(toDefinitionInput(args.input))),
  }),
);
