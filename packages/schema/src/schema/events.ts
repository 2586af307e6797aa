import { WorkflowEventKind, WorkflowNotFoundError, type WorkflowEvent } from '@stagent/engine';
import { builder } from '../builder.js';
import { enumValues, expected } from './common.js';
import { StepRunRef } from './run.js';
import { ToolCallRef } from './tools.js';

/** Contract `WorkflowEventKind`. */
export const WorkflowEventKindEnum = builder.enumType('WorkflowEventKind', {
  description: 'Kinds of workflow events.',
  values: enumValues(WorkflowEventKind, {
    RUN_STARTED: 'A run was claimed and began (or resumed after approval, delay or retry).',
    STEP_STARTED: "A step's task exists and the step is RUNNING.",
    STEP_OUTPUT_DELTA: 'Streamed output text, coalesced to about ten events a second per step.',
    TOOL_STARTED: 'The agent called a tool (toolName, toolCall).',
    TOOL_FINISHED: 'The tool call ended: its result, error or refusal went to the agent (toolName, toolCall).',
    TOOL_APPROVAL_REQUESTED: 'A tool call waits for a person (toolCall); its step and run wait in WAITING_APPROVAL until resolveToolCall.',
    TOOL_APPROVAL_RESOLVED: 'A waiting tool call was approved, denied, or cancelled with its run (toolCall).',
    USAGE: 'One model call finished; carries its tokens and cost (USD).',
    COST_WARNING: 'Spend crossed 80 % of a cap, or a cap cannot be enforced (unknown price).',
    STEP_WAITING_APPROVAL: 'A checkpoint gate waits for a decision, or a step waits for the approval of its tool calls.',
    STEP_COMPLETED: 'A step attempt completed.',
    STEP_FAILED: 'A step attempt failed (see step.failureCategory).',
    STEP_CANCELLED: 'A step attempt was cancelled with its run (not a failure).',
    STEP_DELAYED: 'A delay step parked the run until its resume time (see step.resumeAt).',
    STEP_PAUSED: 'A cap stopped a step where it stands (setting budget.onCapReached = pause); data has the cap figures (USD, tokens).',
    STEP_RESUMED: 'resumeWorkflowStep let a paused or failed step go on from its journal; data.turnsReused and data.reusedUsd (USD) say what was kept.',
    CALL_RETRIED: 'A model call failed with a retryable error and is retried after a backoff (data.delayMs, ms).',
    RUN_PAUSED: 'The run parked at a checkpoint or a delay.',
    RUN_COMPLETED: 'The run completed.',
    RUN_FAILED: 'The run failed.',
    RUN_CANCELLED: 'The run was cancelled.',
  }),
});

/** Contract `WorkflowEvent`, backed by the engine's stored {@link WorkflowEvent}. */
export const WorkflowEventRef = builder.objectRef<WorkflowEvent>('WorkflowEvent').implement({
  description: 'Something that happened in a run, stored with a per-workflow sequence number.',
  fields: (t) => ({
    seq: t.exposeInt('seq', { description: 'Strictly increasing per workflow, without gaps in what is delivered; resume with afterSeq.' }),
    at: t.field({ type: 'DateTime', description: 'When it happened.', resolve: (e) => e.at }),
    kind: t.expose('kind', { type: WorkflowEventKindEnum, description: 'What happened.' }),
    workflowId: t.exposeID('workflowId', { description: 'Workflow id.' }),
    runId: t.exposeID('runId', { description: 'Run id.' }),
    stepId: t.id({ nullable: true, description: 'Step the event concerns, if any.', resolve: (e) => e.stepId ?? null }),
    taskId: t.id({ nullable: true, description: 'Agent task the event concerns, if any.', resolve: (e) => e.taskId ?? null }),
    message: t.string({ nullable: true, description: 'A sentence describing the event.', resolve: (e) => e.message ?? null }),
    outputDelta: t.string({ nullable: true, description: 'New output text (STEP_OUTPUT_DELTA).', resolve: (e) => e.outputDelta ?? null }),
    toolName: t.string({ nullable: true, description: 'Qualified tool name (TOOL_* events).', resolve: (e) => e.toolName ?? null }),
    toolCall: t.field({
      type: ToolCallRef,
      nullable: true,
      description: 'The tool call as it stood after this event (every TOOL_* event).',
      resolve: (e) => e.toolCall ?? null,
    }),
    inputTokens: t.int({ nullable: true, description: 'Input tokens of the model call (USAGE), tokens.', resolve: (e) => e.inputTokens ?? null }),
    outputTokens: t.int({ nullable: true, description: 'Output tokens of the model call (USAGE), tokens.', resolve: (e) => e.outputTokens ?? null }),
    costUsd: t.float({ nullable: true, description: 'Cost of the model call (USAGE), USD.', resolve: (e) => e.costUsd ?? null }),
    step: t.field({
      type: StepRunRef,
      nullable: true,
      description: "The step's state after this event, when the event concerns a step.",
      resolve: (e) => e.step ?? null,
    }),
    data: t.field({
      type: 'JSON',
      nullable: true,
      description: 'Extra structured data (retry attempt and delay in ms, failure category, estimate in USD).',
      resolve: (e) => e.data ?? null,
    }),
  }),
});

/** Throws NOT_FOUND (field `workflowId`) unless the workflow exists: an unknown id is a mistake, not an empty history. */
async function requireWorkflow(ctx: { engine: { getWorkflow(id: string): Promise<unknown> } }, workflowId: string): Promise<void> {
  if (!(await ctx.engine.getWorkflow(workflowId))) throw new WorkflowNotFoundError(workflowId, ['workflowId']);
}

builder.queryField('workflowEvents', (t) =>
  t.field({
    type: [WorkflowEventRef],
    description:
      'Stored events of a workflow in seq order (the same ones the subscription replays). An unknown workflowId is an error (BAD_USER_INPUT, issue code NOT_FOUND).',
    args: {
      workflowId: t.arg.id({ required: true, description: 'Workflow id.' }),
      afterSeq: t.arg.int({ description: 'Only events with a greater seq.' }),
      runId: t.arg.id({ description: 'Only events of this run.' }),
    },
    resolve: (_root, args, ctx) =>
      expected(async () => {
        await requireWorkflow(ctx, args.workflowId);
        return ctx.engine.listEvents(args.workflowId, { afterSeq: args.afterSeq ?? undefined, runId: args.runId ?? undefined });
      }),
  }),
);

builder.subscriptionField('workflowEvents', (t) =>
  t.field({
    type: WorkflowEventRef,
    description:
      'Replays stored events with seq > afterSeq, then streams live ones: no gap, no duplicate. An unknown workflowId ends the subscription at once with an error (BAD_USER_INPUT, issue code NOT_FOUND).',
    args: {
      workflowId: t.arg.id({ required: true, description: 'Workflow id.' }),
      afterSeq: t.arg.int({ description: 'Last seq the client has; null or absent = replay everything stored.' }),
    },
    // A stream of an unknown id would stay open and silent forever: end it with NOT_FOUND instead.
    subscribe: (_root, args, ctx) =>
      expected(async () => {
        await requireWorkflow(ctx, args.workflowId);
        return ctx.engine.subscribe(args.workflowId, args.afterSeq ?? null);
      }),
    resolve: (event) => event,
  }),
);
