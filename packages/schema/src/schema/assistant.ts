import {
  AssistantEventKind,
  AssistantMessageStatus,
  MAX_ASSISTANT_MESSAGE_CHARS,
  type AssistantConversationView,
  type AssistantEvent,
  type AssistantLink,
  type AssistantMessageView,
} from '@stagent/engine';
import { builder } from '../builder.js';
import { limited } from '../input-limits.js';
import { assistantToolset } from '../assistant/assistant-toolset.js';
import { DeletePayloadRef, enumValues, expected, payload, UserErrorRef, type Payload } from './common.js';
import { ToolCallRef } from './tools.js';

/** Contract `AssistantEventKind`. */
const AssistantEventKindEnum = builder.enumType('AssistantEventKind', {
  description: 'Kinds of assistant events.',
  values: enumValues(AssistantEventKind, {
    MESSAGE_STARTED: 'An answer began (messageId is the answer; message names the runtime and model).',
    TEXT_DELTA: 'Answer text streamed by the model (textDelta), about ten events a second at most; append it to the message.',
    TOOL_CALL:
      'A tool call was asked for: running now (toolCall.status RUNNING), waiting for approval (WAITING_APPROVAL: resolveToolCall), or approved by a person.',
    TOOL_RESULT: 'A tool call ended (SUCCEEDED, FAILED, DENIED...); toolCall.output or toolCall.error is what the model was given back.',
    MESSAGE_COMPLETED: 'The answer is complete; message sums up its turns, tokens and cost (USD).',
    MESSAGE_FAILED: 'The answer stopped without finishing (a cap, a provider failure, a restart); message says why and what to do.',
  }),
});

/** Contract addition `AssistantMessageStatus`. */
const AssistantMessageStatusEnum = builder.enumType('AssistantMessageStatus', {
  description: 'Where an assistant message stands.',
  values: enumValues(AssistantMessageStatus, {
    STREAMING: 'The answer is being written: follow assistantEvents.',
    WAITING_APPROVAL: 'The answer waits for the approval of its tool calls (toolCalls with status WAITING_APPROVAL; resolveToolCall).',
    COMPLETED: "Answered (a user's message is always COMPLETED).",
    FAILED: 'The answer stopped without finishing; error says why.',
  }),
});

const AssistantLinkRef = builder.objectRef<AssistantLink>('AssistantLink').implement({
  description: "A workflow or run an answer's tool calls created, changed, ran or read.",
  fields: (t) => ({
    label: t.exposeString('label', { description: 'The workflow name, or "Run #<runNumber>".' }),
    workflowId: t.exposeID('workflowId', { description: 'The workflow (of the run, for a run).' }),
    runId: t.id({ nullable: true, description: 'The run; null for a link to the workflow.', resolve: (l) => l.runId }),
  }),
});

const AssistantMessageRef = builder.objectRef<AssistantMessageView>('AssistantMessage').implement({
  description: "One message of an assistant conversation: the user's, or the assistant's answer with its tool calls, tokens and cost.",
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Message id.' }),
    role: t.exposeString('role', { description: '"user" or "assistant".' }),
    content: t.exposeString('content', {
      description: 'Markdown. An answer is model output: untrusted text, render it sanitized. While STREAMING, the text so far.',
    }),
    status: t.field({ type: AssistantMessageStatusEnum, description: 'Where the message stands.', resolve: (m) => m.status }),
    error: t.string({ nullable: true, description: 'Why a FAILED answer stopped, and what to do.', resolve: (m) => m.error }),
    runtimeId: t.string({ nullable: true, description: 'Runtime that wrote the answer; null for a user message.', resolve: (m) => m.runtimeId }),
    modelId: t.string({ nullable: true, description: 'Model that wrote the answer; null for a user message.', resolve: (m) => m.modelId }),
    toolCalls: t.field({
      type: [ToolCallRef],
      description: 'Tool calls the answer made, in the order asked for (conversationId set on each).',
      resolve: (m) => m.toolCalls,
    }),
    links: t.field({ type: [AssistantLinkRef], description: "Workflows and runs the answer's tool calls touched, for links.", resolve: (m) => m.links }),
    createdAt: t.field({ type: 'DateTime', description: 'When it was sent or the answer began.', resolve: (m) => m.createdAt }),
    inputTokens: t.int({
      nullable: true,
      description: "Input tokens of the answer's model calls, tokens; null for a user message.",
      resolve: (m) => m.inputTokens,
    }),
    outputTokens: t.int({
      nullable: true,
      description: "Output tokens of the answer's model calls, tokens; null for a user message.",
      resolve: (m) => m.outputTokens,
    }),
    costUsd: t.float({
      nullable: true,
      description: "Cost of the answer's model calls, USD (each is in the usage ledger); null for a user message.",
      resolve: (m) => m.costUsd,
    }),
  }),
});

const AssistantConversationRef = builder.objectRef<AssistantConversationView>('AssistantConversation').implement({
  description: 'A conversation with the Stagent assistant, which operates Stagent through this API.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Conversation id.' }),
    title: t.exposeString('title', { description: 'The first line of its first message.' }),
    runtimeId: t.exposeString('runtimeId', { description: 'Runtime of its latest answer (the next one uses it unless sendAssistantMessage names another).' }),
    modelId: t.string({ nullable: true, description: "Model chosen for it; null: the runtime's default.", resolve: (c) => c.modelId }),
    createdAt: t.field({ type: 'DateTime', description: 'When it began.', resolve: (c) => c.createdAt }),
    updatedAt: t.field({ type: 'DateTime', description: 'When its last message was sent or answered.', resolve: (c) => c.updatedAt }),
    costUsd: t.exposeFloat('costUsd', { description: 'Cost of all its answers, USD.' }),
    lastSeq: t.exposeInt('lastSeq', {
      description:
        'The seq of its last stored event when read: subscribe with assistantEvents(afterSeq: lastSeq) to follow on from this snapshot without replaying it.',
    }),
    messages: t.field({ type: [AssistantMessageRef], description: 'Its messages, oldest first.', resolve: (c) => c.messages }),
  }),
});

const AssistantEventRef = builder.objectRef<AssistantEvent>('AssistantEvent').implement({
  description: 'Something that happened while the assistant answered, stored with a per-conversation sequence number.',
  fields: (t) => ({
    seq: t.exposeInt('seq', { description: 'Strictly increasing per conversation; resume with afterSeq.' }),
    at: t.field({ type: 'DateTime', description: 'When it happened.', resolve: (e) => e.at }),
    kind: t.field({ type: AssistantEventKindEnum, description: 'What happened.', resolve: (e) => e.kind }),
    conversationId: t.exposeID('conversationId', { description: 'The conversation.' }),
    messageId: t.exposeID('messageId', { description: 'The answer the event belongs to.' }),
    textDelta: t.string({ nullable: true, description: 'New answer text (TEXT_DELTA); untrusted model output.', resolve: (e) => e.textDelta }),
    toolCall: t.field({ type: ToolCallRef, nullable: true, description: 'The call as it stood then (TOOL_CALL, TOOL_RESULT).', resolve: (e) => e.toolCall }),
    message: t.string({ nullable: true, description: 'A sentence describing the event; for MESSAGE_FAILED, why.', resolve: (e) => e.message }),
  }),
});

const AssistantPayloadRef = builder
  .objectRef<Payload<{ conversation: AssistantConversationView; message: AssistantMessageView }>>('AssistantPayload')
  .implement({
    description: 'Result of sendAssistantMessage.',
    fields: (t) => ({
      conversation: t.field({
        type: AssistantConversationRef,
        nullable: true,
        description: 'The conversation with the new message; null when `errors` is not empty.',
        resolve: (p) => p.conversation ?? null,
      }),
      message: t.field({
        type: AssistantMessageRef,
        nullable: true,
        description: 'The answer being written (STREAMING, empty): follow it on assistantEvents. Null when `errors` is not empty.',
        resolve: (p) => p.message ?? null,
      }),
      errors: t.field({ type: [UserErrorRef], description: 'Expected failures (nothing was stored); empty on success.', resolve: (p) => p.errors }),
    }),
  });

builder.queryFields((t) => ({
  assistantConversations: t.field({
    type: [AssistantConversationRef],
    description: 'Assistant conversations, most recently updated first (at most 100), with their messages.',
    resolve: (_root, _args, ctx) => ctx.engine.assistant.conversations(),
  }),
  assistantConversation: t.field({
    type: AssistantConversationRef,
    nullable: true,
    description: 'One assistant conversation; null when it does not exist.',
    args: { id: t.arg.id({ required: true, description: 'Conversation id.' }) },
    resolve: (_root, args, ctx) => ctx.engine.assistant.conversation(args.id),
  }),
}));

builder.mutationFields((t) => ({
  sendAssistantMessage: t.field({
    type: AssistantPayloadRef,
    description: `Starts a conversation (no conversationId) or continues one. The answer is written in the background and streams on assistantEvents; its tools are this API's operations, run with your credentials. Tools that change, delete or spend wait for resolveToolCall unless setting assistant.autoApprove lists them. Refused with nothing stored: an empty message or one over ${MAX_ASSISTANT_MESSAGE_CHARS.toLocaleString('en-US')} characters (content), an unknown conversation, a conversation whose last answer is still being written or waits for approval (CONFLICT), an unknown or unavailable runtime or model (runtimeId, modelId), and today's spend at the daily cap.`,
    args: {
      conversationId: t.arg.id({ description: 'The conversation to continue; absent: a new one, titled by this message.' }),
      content: t.arg.string(
        limited('prompt', {
          required: true,
          description: `The message, markdown; at most ${MAX_ASSISTANT_MESSAGE_CHARS.toLocaleString('en-US')} characters are answered.`,
        }),
      ),
      runtimeId: t.arg.string(
        limited('key', { description: "Runtime to answer on; default the conversation's, else setting routing.defaultRuntime, else the first available." }),
      ),
      modelId: t.arg.string(limited('key', { description: "Model of that runtime; default the conversation's choice, else the runtime's default model." })),
    },
    resolve: (_root, args, ctx, info) =>
      payload(() =>
        ctx.engine.assistant.send(
          { conversationId: args.conversationId ?? null, content: args.content, runtimeId: args.runtimeId ?? null, modelId: args.modelId ?? null },
          assistantToolset(info.schema, ctx.engine),
        ),
      ),
  }),
  deleteAssistantConversation: t.field({
    type: DeletePayloadRef,
    description: 'Deletes a conversation with its messages, events and tool calls; an answer being written stops. Its spend stays in the usage ledger.',
    args: { id: t.arg.id({ required: true, description: 'Conversation id.' }) },
    resolve: (_root, args, ctx) => payload(async () => ({ deletedId: await ctx.engine.assistant.delete(args.id) })),
  }),
}));

builder.queryField('assistantEvents', (t) =>
  t.field({
    type: [AssistantEventRef],
    description:
      'Stored events of a conversation in seq order (the ones the subscription replays). An unknown conversation is an error (BAD_USER_INPUT, NOT_FOUND).',
    args: {
      conversationId: t.arg.id({ required: true, description: 'Conversation id.' }),
      afterSeq: t.arg.int({ description: 'Only events with a greater seq.' }),
    },
    resolve: (_root, args, ctx) => expected(() => ctx.engine.assistant.events(args.conversationId, args.afterSeq ?? null)),
  }),
);

builder.subscriptionField('assistantEvents', (t) =>
  t.field({
    type: AssistantEventRef,
    description:
      'Replays stored events with seq > afterSeq, then streams new ones: no gap, no duplicate. An unknown conversation ends the subscription at once with an error (BAD_USER_INPUT, NOT_FOUND).',
    args: {
      conversationId: t.arg.id({ required: true, description: 'Conversation id.' }),
      afterSeq: t.arg.int({ description: 'Last seq the client has; null or absent = replay everything stored.' }),
    },
    subscribe: (_root, args, ctx) => expected(() => ctx.engine.assistant.subscribe(args.conversationId, args.afterSeq ?? null)),
    resolve: (event) => event,
  }),
);
