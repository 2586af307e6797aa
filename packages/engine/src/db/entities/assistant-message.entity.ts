import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { baseProperties, p } from './base.js';
import type { TurnCheckpoint } from '../../runtimes/runtime.js';

/**
 * One message of an assistant conversation: the user's, or the assistant's answer with its
 * tokens and cost (all the tasks that wrote it: one per start or resume). An answer that waits for
 * the approval of its tool calls keeps where its agent loop stopped in `checkpoint`, so nothing of
 * it stays in memory and a restart loses nothing. Status changes go through `assistant/assistant-message-state.ts`.
 */
export const AssistantMessageSchema = defineEntity({
  name: 'AssistantMessageRow',
  tableName: 'assistant_messages',
  properties: {
    ...baseProperties,
    conversationId: p.string().index(),
    /** `user` or `assistant`. */
    role: p.string(),
    /** Markdown. */
    content: p.text(),
    status: p.string(),
    error: p.text().nullable(),
    failureCategory: p.string().nullable(),
    /** The task writing it now (the last one). */
    taskId: p.string().nullable(),
    runtimeId: p.string().nullable(),
    modelId: p.string().nullable(),
    turns: p.integer().default(0),
    inputTokens: p.integer().nullable(),
    outputTokens: p.integer().nullable(),
    costMicros: p.bigint('number').nullable(),
    /** WAITING_APPROVAL: where the loop stopped and which calls wait. */
    checkpoint: p.json<(TurnCheckpoint & { waitingFor: string[] }) | null>().nullable(),
    updatedAt: p.bigint('number'),
  },
});
export type AssistantMessageRow = InferEntity<typeof AssistantMessageSchema>;
