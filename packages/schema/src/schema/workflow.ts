import { WorkflowPattern, WorkflowStatus, type WorkflowDefinitionInput, type WorkflowPage, type WorkflowStepView, type WorkflowView } from '@stagent/engine';
import { builder } from '../builder.js';
import { cursorOptions, limited, pageSizeOptions } from '../input-limits.js';
import { DeletePayloadRef, enumValues, expected, PageInfoRef, payload, UserErrorRef, type Payload } from './common.js';
import { DocumentRef } from './document.js';
import { ToolGrantInputRef, ToolGrantRef } from './tools.js';

/** Contract `WorkflowPattern`. */
export const WorkflowPatternEnum = builder.enumType('WorkflowPattern', {
  description: 'How the steps of a workflow execute.',
  values: enumValues(WorkflowPattern, {
    SEQUENCE: "Steps run in order; each step receives the previous step's output. Delay steps allowed.",
    PARALLEL: '2-5 branches run concurrently (bounded by config.concurrency), then the last step synthesises their outputs.',
    CHECKPOINT: 'Like SEQUENCE, with approval gates (config.checkpoints) before chosen steps. Delay steps allowed.',
    LOOP: "The first step's prompt repeats until config.maxIterations, config.timeBudgetMs (ms) or a completion signal.",
    SWARM: 'A planner (first step) assigns work to 2-5 workers; the last step (refinery) merges their results.',
    PLANNER_EXECUTOR: 'The first step writes a plan; every later step executes with the plan in its prompt.',
  }),
});

/** Contract `WorkflowStatus`. */
export const WorkflowStatusEnum = builder.enumType('WorkflowStatus', {
  description: 'Status of a workflow as a whole, mirroring its latest run.',
  values: enumValues(WorkflowStatus, {
    DRAFT: 'Created or edited, not run since.',
    ACTIVE: 'A run is executing in some process.',
    PAUSED: 'The latest run is parked: waiting for a checkpoint decision or for a delay to pass.',
    COMPLETED: 'The latest run completed every step.',
    FAILED: 'The latest run failed (a step failed, the process crashed, or a checkpoint was rejected).',
    CANCELLED: 'The latest run was cancelled by a user.',
  }),
});

/** Contract `WorkflowStep`. */
export const WorkflowStepRef = builder.objectRef<WorkflowStepView>('WorkflowStep').implement({
  description: 'One step of a workflow definition.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Step id, stable across edits of the workflow.' }),
    name: t.exposeString('name', { description: 'Short name shown in progress views.' }),
    prompt: t.exposeString('prompt', { description: 'The instruction given to the agent for this step.' }),
    runtimeId: t.string({
      nullable: true,
      description: "Runtime for this step; null = its profile's, else the workflow's runtime.",
      resolve: (s) => s.runtimeId ?? null,
    }),
    modelId: t.string({
      nullable: true,
      description: "Model for this step; null = its profile's, else the runtime's default model.",
      resolve: (s) => s.modelId ?? null,
    }),
    budgetUsd: t.float({
      nullable: true,
      description: "Cost cap for one attempt of this step, USD; null = the workflow's budget, then the setting budget.maxCostPerTaskUsd, then $5.",
      resolve: (s) => s.budgetUsd ?? null,
    }),
    maxTurns: t.int({
      nullable: true,
      description: "Model turns (calls) allowed for this step; null = its profile's, else the setting runtime.maxTurns.",
      resolve: (s) => s.maxTurns ?? null,
    }),
    documentIds: t.idList({ description: 'Ids of the documents bound to this step only (global documents are not listed).', resolve: (s) => s.documentIds }),
    tools: t.field({
      type: [ToolGrantRef],
      description: "MCP tools this step may use, read before its profile's grants and the workflow's; the first grant that matches a tool decides.",
      resolve: (s) => s.tools,
    }),
    profileId: t.id({
      nullable: true,
      description:
        "Agent profile (see `agentProfiles`) whose presets fill what this step leaves empty: runtime (before the workflow's), model, maxTurns, grants (after the step's) and a system prompt added to the step's; null = none.",
      resolve: (s) => s.profileId ?? null,
    }),
    workingDirectory: t.string({
      nullable: true,
      description:
        'Absolute path of the folder an agent CLI (openai-codex-app-server) works in for this step, read-only sandboxed; null = a fresh temporary folder per task, removed afterwards.',
      resolve: (s) => s.workingDirectory ?? null,
    }),
  }),
});

/** A document binding of a workflow (contract `DocumentBinding`). */
interface DocumentBindingShape {
  documentId: string;
  stepId: string | null;
}

const DocumentBindingRef = builder.objectRef<DocumentBindingShape>('DocumentBinding').implement({
  description: 'A document given to a workflow: to every step (stepId null) or to one step.',
  fields: (t) => ({
    document: t.field({
      type: DocumentRef,
      description: 'The bound document.',
      resolve: async (b, _args, ctx) => {
        const document = await ctx.loaders.document.load(b.documentId);
        if (!document) throw new Error(`Bound document ${b.documentId} is missing.`);
        return document;
      },
    }),
    stepId: t.id({ nullable: true, description: 'Step the document is bound to; null = global (every step).', resolve: (b) => b.stepId }),
  }),
});

/** Contract `Workflow`, backed by the engine's {@link WorkflowView}; relations are added by run, cost and intelligence. */
export const WorkflowRef = builder.objectRef<WorkflowView>('Workflow').implement({
  description: 'A multi-step agent workflow: its definition, document bindings, status and runs.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Workflow id.' }),
    name: t.exposeString('name', { description: 'Name shown to people.' }),
    description: t.exposeString('description', { nullable: true, description: 'What the workflow is for.' }),
    pattern: t.expose('pattern', { type: WorkflowPatternEnum, description: 'How the steps execute.' }),
    status: t.expose('status', { type: WorkflowStatusEnum, description: 'Status mirroring the latest run.' }),
    runtimeId: t.exposeString('runtimeId', {
      nullable: true,
      description: 'Default runtime for the steps; null = the setting routing.defaultRuntime, then the first available runtime.',
    }),
    budgetUsd: t.exposeFloat('budgetUsd', {
      nullable: true,
      description: 'Default cost cap per step attempt, USD; null = the setting budget.maxCostPerTaskUsd, then $5.',
    }),
    steps: t.field({ type: [WorkflowStepRef], description: 'The steps in definition order.', resolve: (w) => w.steps }),
    documents: t.field({ type: [DocumentBindingRef], description: 'Every document binding, global and per step.', resolve: (w) => w.documents }),
    config: t.field({
      type: 'JSON',
      description: 'Pattern options: maxIterations, timeBudgetMs (ms), completionSignals, concurrency, checkpoints, delays (e.g. {"wait": "2h"}).',
      resolve: (w) => w.config,
    }),
    tools: t.field({
      type: [ToolGrantRef],
      description: "MCP tools every step may use, after each step's own grants. No grant, no tool.",
      resolve: (w) => w.tools,
    }),
    runCount: t.int({ description: 'Number of runs started so far (the latest run number).', resolve: (w) => w.runNumber }),
    createdAt: t.field({ type: 'DateTime', description: 'When the workflow was created.', resolve: (w) => w.createdAt }),
    updatedAt: t.field({ type: 'DateTime', description: 'When the workflow (definition or status) last changed.', resolve: (w) => w.updatedAt }),
  }),
});

const WorkflowConnectionRef = builder.objectRef<WorkflowPage>('WorkflowConnection').implement({
  description: 'A page of workflows.',
  fields: (t) => ({
    nodes: t.field({ type: [WorkflowRef], description: 'The workflows of this page.', resolve: (p) => p.nodes }),
    pageInfo: t.field({
      type: PageInfoRef,
      description: 'Cursor of the last item and whether more follow.',
      resolve: (p) => ({ hasNextPage: p.hasNextPage, endCursor: p.endCursor }),
    }),
    totalCount: t.exposeInt('totalCount', { description: 'Number of workflows matching the filter, over all pages.' }),
  }),
});

/** Contract `WorkflowPayload`. */
export const WorkflowPayloadRef = builder.objectRef<Payload<{ workflow: WorkflowView }>>('WorkflowPayload').implement({
  description: 'Result of a mutation on one workflow.',
  fields: (t) => ({
    workflow: t.field({
      type: WorkflowRef,
      nullable: true,
      description: 'The workflow after the change; null when `errors` is not empty.',
      resolve: (p) => p.workflow ?? null,
    }),
    errors: t.field({ type: [UserErrorRef], description: 'Expected failures; empty on success.', resolve: (p) => p.errors }),
  }),
});

const WorkflowStepInputRef = builder.inputType('WorkflowStepInput', {
  description: 'One step of a workflow definition.',
  fields: (t) => ({
    id: t.id({ description: 'Step id: generated when absent; give it to keep the step stable across edits.' }),
    name: t.string(limited('name', { required: true, description: 'Short name shown in progress views.' })),
    prompt: t.string(limited('prompt', { required: true, description: 'The instruction given to the agent.' })),
    runtimeId: t.string(limited('key', { description: 'Runtime for this step (see `runtimes`); an unknown id is a validation error.' })),
    modelId: t.string(limited('key', { description: "Model for this step; must be one of the runtime's supported models." })),
    budgetUsd: t.float({ description: 'Cost cap for one attempt of this step, USD.' }),
    maxTurns: t.int({ description: 'Model turns (calls) allowed for this step.' }),
    documentIds: t.idList({ description: 'Documents given to this step only.' }),
    tools: t.field({
      type: [ToolGrantInputRef],
      description: "MCP tools this step may use, read before its profile's and the workflow's grants (at most 50).",
    }),
    profileId: t.id({
      description: "Agent profile whose presets fill what this step leaves empty; the step's own fields override it. An unknown id is NOT_FOUND.",
    }),
    workingDirectory: t.string(
      limited('description', {
        description:
          'Absolute path of an existing folder an agent CLI (openai-codex-app-server) works in for this step (checked when the step runs; it is kept). Absent: a fresh temporary folder per task.',
      }),
    ),
  }),
});

/** Contract `WorkflowDefinitionInput`. */
export const WorkflowDefinitionInputRef = builder.inputType('WorkflowDefinitionInput', {
  description: 'A complete workflow definition, validated as a whole; any problem is reported per field.',
  fields: (t) => ({
    name: t.string(limited('name', { required: true, description: 'Name shown to people.' })),
    description: t.string(limited('description', { description: 'What the workflow is for.' })),
    pattern: t.field({ type: WorkflowPatternEnum, required: true, description: 'How the steps execute.' }),
    runtimeId: t.string(limited('key', { description: 'Default runtime for the steps.' })),
    budgetUsd: t.float({ description: 'Default cost cap per step attempt, USD.' }),
    steps: t.field({ type: [WorkflowStepInputRef], required: true, description: 'The steps, in order.' }),
    documentIds: t.idList({ description: 'Global documents, given to every step.' }),
    tools: t.field({ type: [ToolGrantInputRef], description: "MCP tools every step may use, after each step's own grants (at most 50)." }),
    config: t.field(
      limited('json', {
        type: 'JSON',
        description:
          'Pattern options: loop maxIterations (1-100) and timeBudgetMs (ms), concurrency, checkpoint step ids, delays by step id ("30m", "2h", "1d"); serialized.',
      }),
    ),
  }),
});

/** The engine's input from the GraphQL input (the shapes match; nulls pass through). */
export function toDefinitionInput(input: typeof WorkflowDefinitionInputRef.$inferInput): WorkflowDefinitionInput {
  return { ...input, steps: input.steps.map((step) => ({ ...step })), config: input.config ?? undefined };
}

builder.queryFields((t) => ({
  workflows: t.field({
    type: WorkflowConnectionRef,
    description: 'Workflows, most recently updated first.',
    args: {
      status: t.arg({ type: WorkflowStatusEnum, description: 'Only workflows with this status.' }),
      first: t.arg.int(pageSizeOptions('workflows')),
      after: t.arg.string(cursorOptions()),
    },
    resolve: (_root, args, ctx) => expected(() => ctx.engine.listWorkflows({ status: args.status, first: args.first, after: args.after })),
  }),
  workflow: t.field({
    type: WorkflowRef,
    nullable: true,
    description: 'One workflow by id; null when it does not exist.',
    args: { id: t.arg.id({ required: true, description: 'Workflow id.' }) },
    resolve: (_root, args, ctx) => ctx.engine.getWorkflow(args.id),
  }),
}));

builder.mutationFields((t) => ({
  createWorkflow: t.field({
    type: WorkflowPayloadRef,
    description: 'Creates a DRAFT workflow. Errors: INVALID_DEFINITION / OUT_OF_RANGE / NOT_FOUND with the field path of each problem.',
    args: { input: t.arg({ type: WorkflowDefinitionInputRef, required: true, description: 'The definition.' }) },
    resolve: (_root, args, ctx) => payload(async () => ({ workflow: await ctx.engine.createWorkflow(toDefinitionInput(args.input)) })),
  }),
  updateWorkflow: t.field({
    type: WorkflowPayloadRef,
    description: 'Replaces the definition of a workflow that is not running. Errors: NOT_FOUND, CONFLICT (a live run), and validation errors per field.',
    args: {
      id: t.arg.id({ required: true, description: 'Workflow id.' }),
      input: t.arg({ type: WorkflowDefinitionInputRef, required: true, description: 'The new definition.' }),
    },
    resolve: (_root, args, ctx) => payload(async () => ({ workflow: await ctx.engine.updateWorkflow(args.id, toDefinitionInput(args.input)) })),
  }),
  deleteWorkflow: t.field({
    type: DeletePayloadRef,
    description: 'Deletes a workflow with its runs and events. Errors: NOT_FOUND, CONFLICT (a live run).',
    args: { id: t.arg.id({ required: true, description: 'Workflow id.' }) },
    resolve: (_root, args, ctx) => payload(async () => ({ deletedId: await ctx.engine.deleteWorkflow(args.id) })),
  }),
  cancelWorkflow: t.field({
    type: WorkflowPayloadRef,
    description: 'Cancels the live or parked run: aborts provider calls and marks its tasks CANCELLED. Errors: NOT_FOUND, CONFLICT (nothing to cancel).',
    args: { id: t.arg.id({ required: true, description: 'Workflow id.' }) },
    resolve: (_root, args, ctx) => payload(async () => ({ workflow: await ctx.engine.cancelWorkflow(args.id) })),
  }),
  resolveCheckpoint: t.field({
    type: WorkflowPayloadRef,
    description:
      'Approves or rejects a checkpoint gate; approval resumes the run, rejection fails it. Errors: NOT_FOUND, NOT_APPLICABLE (no gate waits there).',
    args: {
      workflowId: t.arg.id({ required: true, description: 'Workflow id.' }),
      stepId: t.arg.id({ required: true, description: 'Id of the step whose gate waits for a decision.' }),
      approved: t.arg.boolean({ required: true, description: 'true to continue, false to stop the run.' }),
      comment: t.arg.string(limited('description', { description: "The reviewer's note, kept with the run's events." })),
    },
    resolve: (_root, args, ctx) =>
      payload(async () => ({ workflow: await ctx.engine.resolveCheckpoint(args.workflowId, args.stepId, args.approved, args.comment) })),
  }),
}));
