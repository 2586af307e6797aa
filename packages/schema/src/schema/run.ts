import { FailureCategory, RunStatus, StepStatus, type RunStart, type StepRunView, type WorkflowRunView } from '@stagent/engine';
import { builder } from '../builder.js';
import { PAGE_SIZES, pageSizeOptions } from '../input-limits.js';
import { enumValues, expected, payload, UserErrorRef, type Payload } from './common.js';
import { CostEstimateRef } from './cost.js';
import { WorkflowRef } from './workflow.js';
import { selectsField } from '../selection.js';
import type { GraphQLResolveInfo } from 'graphql';

/** Contract `RunStatus`. */
export const RunStatusEnum = builder.enumType('RunStatus', {
  description: 'Status of one workflow run.',
  values: enumValues(RunStatus, {
    RUNNING: "Executing in the process named by the run's lease; heartbeats keep it alive.",
    PAUSED: 'Parked on a delay step until its resume time (resumeAt), or on a step that reached a cap (resumeAt null) until resumeWorkflowStep.',
    WAITING_APPROVAL: 'Parked before a checkpoint gate until resolveCheckpoint, or until the waiting tool calls of a step are resolved (resolveToolCall).',
    COMPLETED: 'Every step completed.',
    FAILED: 'A step failed, the run crashed (its process exited or its lease expired) or a checkpoint was rejected; a step can be retried.',
    CANCELLED: 'Cancelled by a user; live provider calls were aborted.',
  }),
});

/** Contract `StepStatus`. */
export const StepStatusEnum = builder.enumType('StepStatus', {
  description: 'Status of one step attempt.',
  values: enumValues(StepStatus, {
    PENDING: 'Not started in this run yet.',
    RUNNING: 'Its task exists and the runtime is executing it.',
    WAITING_APPROVAL: 'A checkpoint gate before this step waits for a decision, or tool calls of its last turn wait for resolveToolCall (see toolCalls).',
    DELAYED: 'A delay step waiting for its resume time.',
    PAUSED:
      'A cost, token or daily cap stopped it after a turn (setting budget.onCapReached = pause); its conversation is journaled, and resumeWorkflowStep goes on from there.',
    COMPLETED: 'Finished with output (a delay step: its time has passed).',
    FAILED: 'The attempt failed; see failureCategory. A retry adds a new attempt.',
    SKIPPED: 'Never ran because an earlier step failed or the loop stopped before it.',
    CANCELLED: 'The run was cancelled while this step was pending or running.',
  }),
});

/** Contract `FailureCategory`. */
export const FailureCategoryEnum = builder.enumType('FailureCategory', {
  description: 'Why a step or run failed, decided where the failure happened (never by parsing messages).',
  values: enumValues(FailureCategory, {
    BUDGET_EXCEEDED: 'A cost cap (USD), token cap or daily spend cap stopped the step.',
    TURN_LIMIT: 'The model used every turn it was allowed.',
    TIMEOUT: 'The deadline passed (stalled stream or slow provider).',
    RATE_LIMITED: 'HTTP 429 that retries did not overcome.',
    PROVIDER_OVERLOADED: 'HTTP 529 / overloaded that retries did not overcome.',
    CONNECTION: 'Network refused, reset or unreachable.',
    AUTH: 'Missing or rejected credentials (HTTP 401/403).',
    CONTEXT_TOO_LARGE: "The prompt exceeds the model's context window (tokens).",
    INVALID_REQUEST: 'The provider rejected the request (HTTP 400, unknown model).',
    CANCELLED: 'A user cancelled; not a failure of the work itself.',
    CRASHED: 'The process running it died: it exited, or its lease expired without a heartbeat.',
    TOOL_ERROR: "The step's tool calls kept failing (three in a row); the debug analysis names the tool and its error.",
    UNKNOWN: 'Anything else; the message is kept as evidence.',
  }),
});

/** Contract `StepRun`, backed by the engine's {@link StepRunView}. */
export const StepRunRef = builder.objectRef<StepRunView>('StepRun').implement({
  description: 'The latest attempt of one step in a run, with its live metrics (tokens, USD, ms).',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Id of this step attempt.' }),
    runId: t.exposeID('runId', { description: 'Run the attempt belongs to.' }),
    stepId: t.exposeID('stepId', { description: 'Step id from the definition.' }),
    stepIndex: t.exposeInt('stepIndex', { description: 'Position of the step in the definition, 0-based.' }),
    name: t.exposeString('name', { description: 'Step name.' }),
    status: t.expose('status', { type: StepStatusEnum, description: 'Status of this attempt.' }),
    attempt: t.exposeInt('attempt', { description: 'Attempt number, 1-based; a retry adds one.' }),
    iteration: t.exposeInt('iteration', { description: 'Loop iteration, 1-based; 0 outside loops.' }),
    taskId: t.exposeID('taskId', { nullable: true, description: 'Agent task executing the attempt; set as soon as it is RUNNING.' }),
    output: t.exposeString('output', { nullable: true, description: 'Output text so far (partial output is kept on failure).' }),
    error: t.exposeString('error', { nullable: true, description: 'Error message when the attempt failed.' }),
    failureCategory: t.expose('failureCategory', { type: FailureCategoryEnum, nullable: true, description: 'Why the attempt failed.' }),
    evidence: t.field({
      type: 'JSON',
      nullable: true,
      description: 'Numbers behind the failure: spentUsd/capUsd (USD), tokensUsed/tokenCap (tokens), turns/maxTurns, httpStatus, providerMessage.',
      resolve: (s) => s.evidence,
    }),
    runtimeId: t.exposeString('runtimeId', { nullable: true, description: 'Runtime executing the attempt.' }),
    modelId: t.exposeString('modelId', { nullable: true, description: 'Model executing the attempt.' }),
    startedAt: t.field({ type: 'DateTime', nullable: true, description: 'When the attempt started.', resolve: (s) => s.startedAt }),
    finishedAt: t.field({ type: 'DateTime', nullable: true, description: 'When the attempt ended.', resolve: (s) => s.finishedAt }),
    durationMs: t.exposeInt('durationMs', { nullable: true, description: 'Wall-clock duration of the finished attempt, ms.' }),
    elapsedMs: t.int({
      nullable: true,
      description: 'Time since the attempt started, ms, at the moment of this response (the duration once finished).',
      resolve: (s) => s.durationMs ?? (s.startedAt === null ? null : Math.max(0, Date.now() - s.startedAt)),
    }),
    estimatedDurationMs: t.exposeInt('estimatedDurationMs', { nullable: true, description: 'Expected duration from comparable past steps, ms.' }),
    inputTokens: t.exposeInt('inputTokens', { description: 'Input tokens used so far, tokens.' }),
    outputTokens: t.exposeInt('outputTokens', { description: 'Output tokens produced so far, tokens.' }),
    tokensPerSecond: t.exposeFloat('tokensPerSecond', { nullable: true, description: 'Output rate of the current or last model call, tokens per second.' }),
    costUsd: t.exposeFloat('costUsd', { description: 'Spend of this attempt so far, USD.' }),
    budgetUsd: t.exposeFloat('budgetUsd', { description: 'Cost cap of this attempt, USD.' }),
    pricingKnown: t.exposeBoolean('pricingKnown', {
      description: 'Whether the model has a known price (otherwise costUsd is 0 and the cap cannot be enforced).',
    }),
    turns: t.exposeInt('turns', { description: 'Model turns (calls) of this attempt so far, reused ones included (see turnsReused).' }),
    currentTool: t.exposeString('currentTool', { nullable: true, description: 'Tool the agent is running right now.' }),
    resumeAt: t.field({ type: 'DateTime', nullable: true, description: 'When a DELAYED step resumes.', resolve: (s) => s.resumeAt }),
    documentCount: t.exposeInt('documentCount', { description: 'Documents given to this step.' }),
    turnsReused: t.exposeInt('turnsReused', {
      description: 'Completed model turns taken from the turn journal instead of called again (a resume after a cap, a failure or a crash).',
    }),
    reusedUsd: t.exposeFloat('reusedUsd', { description: 'What those reused turns cost when they were first paid for, USD (from the usage ledger).' }),
  }),
});

/** Contract `WorkflowRun`, backed by the engine's {@link WorkflowRunView}. */
export const WorkflowRunRef = builder.objectRef<WorkflowRunView>('WorkflowRun').implement({
  description: 'One execution of a workflow, with totals in tokens and USD.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Run id.' }),
    workflowId: t.exposeID('workflowId', { description: 'Workflow the run belongs to.' }),
    runNumber: t.exposeInt('runNumber', { description: 'Run number within the workflow, 1-based.' }),
    status: t.expose('status', { type: RunStatusEnum, description: 'Status of the run.' }),
    startedAt: t.field({ type: 'DateTime', description: 'When the run started.', resolve: (r) => r.startedAt }),
    finishedAt: t.field({ type: 'DateTime', nullable: true, description: 'When the run ended.', resolve: (r) => r.finishedAt }),
    resumeAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When a run PAUSED at a delay resumes; null for a run paused at a cap (it waits for resumeWorkflowStep).',
      resolve: (r) => r.resumeAt,
    }),
    steps: t.field({ type: [StepRunRef], description: 'Latest attempt of every step (and loop iteration), in order.', resolve: (r) => r.steps }),
    inputTokens: t.exposeInt('inputTokens', { description: 'Input tokens over all steps, tokens.' }),
    outputTokens: t.exposeInt('outputTokens', { description: 'Output tokens over all steps, tokens.' }),
    costUsd: t.exposeFloat('costUsd', { description: 'Spend over all steps, USD.' }),
    reusedUsd: t.exposeFloat('reusedUsd', {
      description: 'Cost of completed work reused instead of run again: steps kept by a retry, turns kept by a resume, USD (from the usage ledger).',
    }),
    instanceId: t.exposeID('instanceId', {
      nullable: true,
      description: 'The instance driving the run now (an `instances` id: its host, process and a random part); null when the run is not RUNNING.',
    }),
    resumeCount: t.exposeInt('resumeCount', {
      description:
        'Times another instance took the run over after its driver died (its lease ran out: 60 s without a heartbeat by default); 0 for a run driven by one instance throughout.',
    }),
    pricingKnown: t.exposeBoolean('pricingKnown', { description: 'Whether every model used has a known price (otherwise costUsd is a lower bound).' }),
    costEstimate: t.field({
      type: CostEstimateRef,
      nullable: true,
      description: 'The pre-flight estimate stored when the run started.',
      resolve: (r) => r.costEstimate,
    }),
    failureCategory: t.expose('failureCategory', { type: FailureCategoryEnum, nullable: true, description: 'Why the run failed.' }),
    error: t.exposeString('error', { nullable: true, description: 'Error message when the run failed.' }),
  }),
});

builder.objectFields(WorkflowRef, (t) => ({
  latestRun: t.field({
    type: WorkflowRunRef,
    nullable: true,
    description: 'The most recent run; null before the first run. Batched across a list.',
    resolve: async (w, _args, ctx, info) => (await ctx.loaders.runs.load({ workflowId: w.id, first: 1, ...runsSelection(info) }))[0] ?? null,
  }),
  runs: t.field({
    type: [WorkflowRunRef],
    description: 'Runs, latest first. Batched across a list.',
    args: { first: t.arg.int(pageSizeOptions('runs')) },
    // The range of `first` is checked before execution (`input-checks.ts`).
    resolve: (w, args, ctx, info) => ctx.loaders.runs.load({ workflowId: w.id, first: args.first ?? PAGE_SIZES.runs.default, ...runsSelection(info) }),
  }),
}));

/** What a runs field asks of the engine: steps at all, and the large fields (see `RunsKey`). */
function runsSelection(info: GraphQLResolveInfo): { steps: boolean; large: boolean } {
  return {
    steps: selectsField(info, 'steps'),
    large: selectsField(info, 'costEstimate') || selectsField(info, 'steps', 'output') || selectsField(info, 'steps', 'evidence'),
  };
}

/** Contract `ExecuteWorkflowPayload`. */
const ExecuteWorkflowPayloadRef = builder.objectRef<Payload<RunStart>>('ExecuteWorkflowPayload').implement({
  description: 'Result of starting a run or retrying a step.',
  fields: (t) => ({
    workflow: t.field({ type: WorkflowRef, nullable: true, description: 'The workflow after the start.', resolve: (p) => p.workflow ?? null }),
    run: t.field({ type: WorkflowRunRef, nullable: true, description: 'The run that started (or resumed).', resolve: (p) => p.run ?? null }),
    costEstimate: t.field({
      type: CostEstimateRef,
      nullable: true,
      description: 'The pre-flight estimate (USD, tokens); advisory, it never blocks the run.',
      resolve: (p) => p.costEstimate ?? null,
    }),
    errors: t.field({ type: [UserErrorRef], description: 'Expected failures; empty on success.', resolve: (p) => p.errors }),
  }),
});

builder.queryField('workflowRun', (t) =>
  t.field({
    type: WorkflowRunRef,
    nullable: true,
    description: 'One run by id; null when it does not exist.',
    args: { id: t.arg.id({ required: true, description: 'Run id.' }) },
    resolve: (_root, args, ctx) => expected(() => ctx.engine.getRun(args.id)),
  }),
);

builder.mutationFields((t) => ({
  executeWorkflow: t.field({
    type: ExecuteWorkflowPayloadRef,
    description:
      'Starts a run; re-runs COMPLETED/FAILED/CANCELLED workflows and ACTIVE ones whose run is no longer alive. Errors: NOT_FOUND, CONFLICT when a live run exists. The cost estimate is advisory: it never blocks the run.',
    args: { id: t.arg.id({ required: true, description: 'Workflow id.' }) },
    resolve: (_root, args, ctx) => payload(() => ctx.engine.executeWorkflow(args.id)),
  }),
  retryWorkflowStep: t.field({
    type: ExecuteWorkflowPayloadRef,
    description: 'Re-runs one failed step (and what depends on it) in the same run, keeping completed outputs. Errors: NOT_FOUND, NOT_APPLICABLE, CONFLICT.',
    args: {
      workflowId: t.arg.id({ required: true, description: 'Workflow id.' }),
      stepId: t.arg.id({ required: true, description: 'Id of the failed step.' }),
    },
    resolve: (_root, args, ctx) => payload(() => ctx.engine.retryWorkflowStep(args.workflowId, args.stepId)),
  }),
  resumeWorkflowStep: t.field({
    type: ExecuteWorkflowPayloadRef,
    description:
      'Continues a PAUSED step (or a FAILED / CRASHED one whose journal has completed turns) from its last completed turn, optionally with a new cap; earlier turns are reused, never called again (see StepRun.turnsReused, reusedUsd). Errors: OUT_OF_RANGE on budgetUsd at or below what the step spent, NOT_APPLICABLE on a step that is not paused or has no journaled turn, CONFLICT while the run is live or the daily cap is still reached, NOT_FOUND.',
    args: {
      workflowId: t.arg.id({ required: true, description: 'Workflow id.' }),
      stepId: t.arg.id({ required: true, description: 'Id of the paused (or failed) step.' }),
      budgetUsd: t.arg.float({ description: "The step's new cost cap, USD; above what it already spent. Omitted: the cap it had." }),
    },
    resolve: (_root, args, ctx) => payload(() => ctx.engine.resumeWorkflowStep(args.workflowId, args.stepId, args.budgetUsd ?? null)),
  }),
}));
