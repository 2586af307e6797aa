import { ToolApproval, ToolCallStatus, type ToolCallView, type ToolGrant } from '@stagent/engine';
import { builder } from '../builder.js';
import { limited } from '../input-limits.js';
import { assistantToolset } from '../assistant/assistant-toolset.js';
import { enumValues, expected, payload, UserErrorRef, type Payload } from './common.js';

/** Contract `ToolApproval`. */
export const ToolApprovalEnum = builder.enumType('ToolApproval', {
  description: 'What a call of a granted tool needs before it runs.',
  values: enumValues(ToolApproval, {
    AUTO: 'The call runs at once.',
    ASK: 'The step (and its run) waits in WAITING_APPROVAL until resolveToolCall approves or denies the call.',
    DENY: 'The call does not run; the model is told it was refused and the step goes on.',
  }),
});

/** Contract `ToolCallStatus`. */
export const ToolCallStatusEnum = builder.enumType('ToolCallStatus', {
  description: 'Where a tool call stands.',
  values: enumValues(ToolCallStatus, {
    WAITING_APPROVAL: 'Its grant says ASK: its step waits until resolveToolCall.',
    RUNNING: 'Running now, or approved and about to run when its step goes on.',
    SUCCEEDED: 'It returned; the model got its output.',
    FAILED: 'The tool or its server reported an error (isError, a protocol error, bad arguments, an unknown tool); the model got the error.',
    DENIED: 'Refused by its grant (DENY) or by a person; it never ran and the model was told.',
    TIMED_OUT: 'It ran past the setting tools.callTimeoutMs (ms) and was cancelled; the model was told.',
    CANCELLED: 'Its step was cancelled (or hit a cap) before or while it ran.',
  }),
});

/** Contract `ToolGrant`. */
export const ToolGrantRef = builder.objectRef<ToolGrant>('ToolGrant').implement({
  description: 'A tool a workflow or step may use, and what its calls need.',
  fields: (t) => ({
    tool: t.exposeString('tool', { description: 'A qualified tool name (mcp__<server>__<tool>) or a glob over them ("mcp__files__*", "mcp__*").' }),
    approval: t.field({ type: ToolApprovalEnum, description: 'What a call needs before it runs.', resolve: (g) => g.approval }),
  }),
});

/** Contract `ToolGrantInput`. */
export const ToolGrantInputRef = builder.inputType('ToolGrantInput', {
  description:
    "A tool grant. A step's grants are read first, then the workflow's; the first that matches a tool decides. Unknown servers or tools are validation errors.",
  fields: (t) => ({
    tool: t.string(
      limited('key', { required: true, description: 'A qualified tool name (mcp__<server>__<tool>) or a glob over them ("mcp__files__*", "mcp__*").' }),
    ),
    approval: t.field({ type: ToolApprovalEnum, required: true, description: 'What a call needs before it runs.' }),
  }),
});

/** Contract `ToolCall`. */
export const ToolCallRef = builder.objectRef<ToolCallView>('ToolCall').implement({
  description: 'One tool call an agent asked for, stored with its input, what the model was given back, its approval and timings.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Tool call id; resolve a waiting one with resolveToolCall.' }),
    workflowId: t.id({ nullable: true, description: 'Workflow of the step that asked; null for the assistant.', resolve: (c) => c.workflowId }),
    runId: t.id({ nullable: true, description: 'Run of the step that asked.', resolve: (c) => c.runId }),
    stepId: t.id({ nullable: true, description: 'Step (definition id) that asked.', resolve: (c) => c.stepId }),
    conversationId: t.id({ nullable: true, description: "Set for the assistant's own calls.", resolve: (c) => c.conversationId }),
    toolName: t.exposeString('toolName', {
      description: 'Qualified name (mcp__<server>__<tool>) or a built-in tool (read_document, search_documents, finish).',
    }),
    input: t.field({ type: 'JSON', description: 'The arguments the model sent, as it sent them (untrusted).', resolve: (c) => c.input }),
    status: t.field({ type: ToolCallStatusEnum, description: 'Where the call stands.', resolve: (c) => c.status }),
    approval: t.field({
      type: ToolApprovalEnum,
      description: 'What the grants said when the model asked (ASK as well when the tool changed since it was granted).',
      resolve: (c) => c.approval,
    }),
    turn: t.exposeInt('turn', { description: 'The model turn (1-based) that asked for it.' }),
    output: t.string({
      nullable: true,
      description: 'What the model was given back, as cut for the model (setting tools.maxResultChars, characters). Untrusted text: render it escaped.',
      resolve: (c) => c.output,
    }),
    error: t.string({ nullable: true, description: 'Why it failed, was denied or was cancelled, as the model was told.', resolve: (c) => c.error }),
    requestedAt: t.field({ type: 'DateTime', description: 'When the model asked for it.', resolve: (c) => c.requestedAt }),
    resolvedAt: t.field({ type: 'DateTime', nullable: true, description: 'When a person approved or denied it (ASK calls).', resolve: (c) => c.resolvedAt }),
    startedAt: t.field({ type: 'DateTime', nullable: true, description: 'When it started running; null if it never ran.', resolve: (c) => c.startedAt }),
    finishedAt: t.field({ type: 'DateTime', nullable: true, description: 'When it ended.', resolve: (c) => c.finishedAt }),
    comment: t.string({ nullable: true, description: 'The comment given with resolveToolCall.', resolve: (c) => c.comment }),
  }),
});

/** Contract `ToolCallPayload`. */
const ToolCallPayloadRef = builder.objectRef<Payload<{ toolCall: ToolCallView }>>('ToolCallPayload').implement({
  description: 'Result of resolveToolCall.',
  fields: (t) => ({
    toolCall: t.field({
      type: ToolCallRef,
      nullable: true,
      description: 'The call after the decision; null when `errors` is not empty.',
      resolve: (p) => p.toolCall ?? null,
    }),
    errors: t.field({ type: [UserErrorRef], description: 'Expected failures; empty on success.', resolve: (p) => p.errors }),
  }),
});

builder.queryFields((t) => ({
  toolCalls: t.field({
    type: [ToolCallRef],
    description: 'Stored tool calls, newest first (at most 500), filtered by every argument given. The approvals inbox is status: WAITING_APPROVAL.',
    args: {
      workflowId: t.arg.id({ description: 'Only calls of this workflow.' }),
      runId: t.arg.id({ description: 'Only calls of this run.' }),
      conversationId: t.arg.id({ description: 'Only calls of this assistant conversation.' }),
      status: t.arg({ type: ToolCallStatusEnum, description: 'Only calls with this status.' }),
    },
    resolve: (_root, args, ctx) =>
      expected(() =>
        ctx.engine.listToolCalls({
          workflowId: args.workflowId ?? null,
          runId: args.runId ?? null,
          conversationId: args.conversationId ?? null,
          status: args.status ?? null,
        }),
      ),
  }),
}));

builder.mutationFields((t) => ({
  resolveToolCall: t.field({
    type: ToolCallPayloadRef,
    description:
      'Approves or denies a call that waits for approval; the step (or assistant turn) goes on either way: an approved call runs, a denied one is reported to the model with the comment. NOT_APPLICABLE when the call is not waiting.',
    args: {
      id: t.arg.id({ required: true, description: 'The waiting tool call.' }),
      approved: t.arg.boolean({ required: true, description: 'true runs the call; false refuses it.' }),
      comment: t.arg.string(limited('description', { description: 'Why, for the record and (when denied) for the model.' })),
    },
    resolve: (_root, args, ctx, info) =>
      payload(async () => ({
        toolCall: await ctx.engine.resolveToolCall(args.id, args.approved, args.comment ?? null, assistantToolset(info.schema, ctx.engine)),
      })),
  }),
}));
