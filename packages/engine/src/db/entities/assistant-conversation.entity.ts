import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { baseProperties, p } from './base.js';

/**
 * One conversation with the Stagent assistant: its title (the first message's first line), the
 * runtime and model it talks to, what it has cost so far and the counter its events' `seq` comes
 * from (`assistant_events`).
 */
export const AssistantConversationSchema = defineEntity({
  name: 'AssistantConversationRow',
  tableName: 'assistant_conversations',
  properties: {
    ...baseProperties,
    updatedAt: p.bigint('number').index(),
    title: p.string(),
    runtimeId: p.string(),
    modelId: p.string().nullable(),
    /** Every answer's model calls together, micro-USD (the ledger has each call). */
    costMicros: p.bigint('number').default(0),
    /** The last `seq` given to one of its events. */
    eventSeq: p.integer().default(0),
  },
});
export type AssistantConversationRow = InferEntity<typeof AssistantConversationSchema>;
