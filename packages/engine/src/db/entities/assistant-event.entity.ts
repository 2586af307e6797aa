import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { p } from './base.js';
import type { ToolCallView } from '../../tools/tool-call-view.js';

/** Every assistant event, with a per-conversation strictly increasing `seq` (replayed by `assistantEvents(afterSeq)`). */
export const AssistantEventSchema = defineEntity({
  name: 'AssistantEventRow',
  tableName: 'assistant_events',
  properties: {
    id: p.string().primary(),
    conversationId: p.string(),
    seq: p.integer(),
    at: p.bigint('number'),
    kind: p.string(),
    messageId: p.string(),
    textDelta: p.text().nullable(),
    /** TOOL_CALL / TOOL_RESULT: the call as it stood then. */
    toolCall: p.json<ToolCallView | null>().nullable(),
    message: p.text().nullable(),
  },
  uniques: [{ properties: ['conversationId', 'seq'] }],
});
export type AssistantEventRow = InferEntity<typeof AssistantEventSchema>;
