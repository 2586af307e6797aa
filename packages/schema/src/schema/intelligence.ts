import {
  FixTier,
  Severity,
  SuggestionKind,
  type DebugAnalysis,
  type ExecutionStatsView,
  type FixSuggestion,
  type OptimizationSuggestion,
  type RootCause,
  type SuggestionAction,
  type TimelineEntry,
  type WorkflowPattern,
} from '@stagent/engine';
import { builder } from '../builder.js';
import { limited } from '../input-limits.js';
import { enumValues, expected, payload } from './common.js';
import { WorkflowEventKindEnum } from './events.js';
import { FailureCategoryEnum, RunStatusEnum } from './run.js';
import { toDefinitionInput, WorkflowDefinitionInputRef, WorkflowPatternEnum, WorkflowPayloadRef, WorkflowRef } from './workflow.js';

const SeverityEnum = builder.enumType('Severity', {
  description: 'How a timeline entry should be shown.',
  values: enumValues(Severity, {
    SUCCESS: 'Something finished well (a step or run completed).',
    INFO: 'Progress worth knowing (a start, a tool call, usage).',
    WARNING: 'A risk (cost warning, retry, pause).',
    FAILURE: 'A failure (step or run failed, cancelled).',
  }),
});

const FixTierEnum = builder.enumType('FixTier', {
  description: 'How deep a fix suggestion goes.',
  values: enumValues(FixTier, {
    QUICK: 'Do it now: retry, raise a cap.',
    BETTER: 'Change the workflow: budgets, runtimes, document bindings.',
    BEST: 'Change the approach: pattern or step design.',
  }),
});

const SuggestionKindEnum = builder.enumType('SuggestionKind', {
  description: 'What an optimizer suggestion is about.',
  values: enumValues(SuggestionKind, {
    DOCUMENT_BINDING: 'Bind documents to the steps they are relevant to instead of every step.',
    BUDGET_ESTIMATE: 'A budget from past runs (mean + 1 standard deviation, USD).',
    RUNTIME_RECOMMENDATION: 'The runtime with the best success rate given enough samples.',
    PATTERN_INSIGHT: 'What history says about this pattern and step count.',
  }),
});

const SuggestionActionRef = builder.objectRef<SuggestionAction>('SuggestionAction').implement({
  description: 'An action that applySuggestion can perform.',
  fields: (t) => ({
    type: t.exposeString('type', {
      description: 'SET_PER_STEP_DOCS | SET_BUDGET | SET_RUNTIME | CHANGE_PATTERN | RETRY_STEP | RERUN_WORKFLOW | RESUME_STEP | SPLIT_STEP.',
    }),
    payload: t.field({ type: 'JSON', description: 'Arguments of the action, e.g. {"stepId": "s2", "budgetUsd": 4.5} (USD).', resolve: (a) => a.payload }),
  }),
});

const SuggestionActionInputRef = builder.inputType('SuggestionActionInput', {
  description: 'An action from a suggestion, sent back to applySuggestion unchanged.',
  fields: (t) => ({
    type: t.string(
      limited('key', {
        required: true,
        description: 'SET_PER_STEP_DOCS | SET_BUDGET | SET_RUNTIME | CHANGE_PATTERN | RETRY_STEP | RERUN_WORKFLOW | RESUME_STEP | SPLIT_STEP.',
      }),
    ),
    payload: t.field(limited('json', { type: 'JSON', required: true, description: 'Arguments of the action, as given by the suggestion (serialized).' })),
  }),
});

const RootCauseRef = builder.objectRef<RootCause>('RootCause').implement({
  description: 'Why a run failed: the first failing step and its category, with evidence.',
  fields: (t) => ({
    category: t.expose('category', { type: FailureCategoryEnum, description: 'Failure category of the first failing step.' }),
    summary: t.exposeString('summary', { description: 'One sentence with the numbers (spent vs cap in USD, turns, tokens).' }),
    stepId: t.exposeID('stepId', { nullable: true, description: 'The first failing step.' }),
    evidence: t.exposeString('evidence', { nullable: true, description: "The provider's or engine's own message." }),
  }),
});

const TimelineEventRef = builder.objectRef<TimelineEntry>('TimelineEvent').implement({
  description: 'One entry of a run timeline, built from its events.',
  fields: (t) => ({
    at: t.field({ type: 'DateTime', description: 'When it happened.', resolve: (e) => e.at }),
    kind: t.expose('kind', { type: WorkflowEventKindEnum, description: 'Kind of the underlying event.' }),
    severity: t.expose('severity', { type: SeverityEnum, description: 'How to show it.' }),
    stepId: t.exposeID('stepId', { nullable: true, description: 'Step concerned, if any.' }),
    message: t.exposeString('message', { description: 'What happened.' }),
  }),
});

const FixSuggestionRef = builder.objectRef<FixSuggestion>('FixSuggestion').implement({
  description: 'A way to fix a failed run, with real numbers from the run.',
  fields: (t) => ({
    tier: t.expose('tier', { type: FixTierEnum, description: 'How deep the fix goes.' }),
    title: t.exposeString('title', { description: 'Short imperative title.' }),
    description: t.exposeString('description', { description: 'Why and what, with numbers (USD, tokens, turns, document sizes).' }),
    action: t.field({ type: SuggestionActionRef, nullable: true, description: 'An action applySuggestion can perform, if any.', resolve: (s) => s.action }),
  }),
});

const DebugAnalysisRef = builder.objectRef<DebugAnalysis>('DebugAnalysis').implement({
  description: 'Analysis of one run: timeline, root cause and tiered fixes.',
  fields: (t) => ({
    workflowId: t.exposeID('workflowId', { description: 'Workflow id.' }),
    runId: t.exposeID('runId', { description: 'Analysed run.' }),
    status: t.expose('status', { type: RunStatusEnum, description: 'Status of the run.' }),
    rootCause: t.field({ type: RootCauseRef, nullable: true, description: 'Null when the run did not fail.', resolve: (d) => d.rootCause }),
    timeline: t.field({ type: [TimelineEventRef], description: 'The run in order.', resolve: (d) => d.timeline }),
    suggestions: t.field({ type: [FixSuggestionRef], description: 'Fixes in tiers QUICK, BETTER, BEST.', resolve: (d) => d.suggestions }),
  }),
});

const OptimizationSuggestionRef = builder.objectRef<OptimizationSuggestion>('OptimizationSuggestion').implement({
  description: 'A suggestion to improve a workflow definition before running it.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Suggestion id, stable for the same input.' }),
    kind: t.expose('kind', { type: SuggestionKindEnum, description: 'What it is about.' }),
    title: t.exposeString('title', { description: 'Short title.' }),
    description: t.exposeString('description', { description: 'Why, with numbers (relevance scores, USD, success rates).' }),
    action: t.field({ type: SuggestionActionRef, nullable: true, description: 'An action applySuggestion can perform, if any.', resolve: (s) => s.action }),
  }),
});

const ExecutionStatsRef = builder.objectRef<ExecutionStatsView>('ExecutionStats').implement({
  description: 'Execution history of workflows with one pattern and step count.',
  fields: (t) => ({
    pattern: t.field({ type: WorkflowPatternEnum, description: 'Pattern.', resolve: (s) => s.pattern as WorkflowPattern }),
    stepCount: t.exposeInt('stepCount', { description: 'Number of steps.' }),
    sampleCount: t.exposeInt('sampleCount', { description: 'Finished runs counted.' }),
    successRate: t.exposeFloat('successRate', { description: 'Completed runs / finished runs, 0-1.' }),
    avgCostPerStepUsd: t.exposeFloat('avgCostPerStepUsd', { nullable: true, description: 'Mean cost per step, USD.' }),
    avgDurationPerStepMs: t.int({
      nullable: true,
      description: 'Mean duration per step, ms.',
      resolve: (s) => (s.avgDurationPerStepMs === null ? null : Math.round(s.avgDurationPerStepMs)),
    }),
    avgDocsPerStep: t.exposeFloat('avgDocsPerStep', { nullable: true, description: 'Mean documents per step.' }),
    commonFailures: t.field({ type: 'JSON', description: 'Failures by category, e.g. {"BUDGET_EXCEEDED": 4}.', resolve: (s) => s.commonFailures }),
    runtimeSuccessRates: t.field({
      type: 'JSON',
      description: 'Success rate (successes / runs, 0-1) per runtime id, e.g. {"anthropic-direct": 0.92}.',
      resolve: (s) => s.runtimeSuccessRates,
    }),
  }),
});

builder.objectField(WorkflowRef, 'debugAnalysis', (t) =>
  t.field({
    type: DebugAnalysisRef,
    nullable: true,
    description: 'Analysis of a run (default: the latest); null when there is no run yet.',
    args: { runId: t.arg.id({ description: 'Run to analyse; default the latest.' }) },
    resolve: (w, args, ctx) => expected(() => ctx.engine.debugAnalysis(w.id, args.runId)),
  }),
);

builder.queryFields((t) => ({
  optimizeWorkflow: t.field({
    type: [OptimizationSuggestionRef],
    description: 'Suggestions for a definition (document binding, budget, runtime, pattern), using execution history.',
    args: {
      input: t.arg({ type: WorkflowDefinitionInputRef, required: true, description: 'The definition to optimize.' }),
      workflowId: t.arg.id({ description: 'The stored workflow it edits, if any (its runs inform the budget).' }),
    },
    resolve: (_root, args, ctx) => expected(() => ctx.engine.optimizeWorkflow(toDefinitionInput(args.input), args.workflowId)),
  }),
  executionStats: t.field({
    type: [ExecutionStatsRef],
    description: 'Execution history per pattern and step count.',
    resolve: (_root, _args, ctx) => ctx.engine.executionStats(),
  }),
}));

builder.mutationField('applySuggestion', (t) =>
  t.field({
    type: WorkflowPayloadRef,
    description: 'Applies a suggestion action to a stored workflow. Errors: NOT_FOUND, NOT_APPLICABLE, INVALID_VALUE, CONFLICT.',
    args: {
      workflowId: t.arg.id({ required: true, description: 'Workflow id.' }),
      action: t.arg({ type: SuggestionActionInputRef, required: true, description: 'The action from a suggestion.' }),
    },
    resolve: (_root, args, ctx) =>
      payload(async () => ({
        workflow: await ctx.engine.applySuggestion(args.workflowId, {
          type: args.action.type,
          payload: (args.action.payload ?? {}) as Record<string, unknown>,
        }),
      })),
  }),
);
