import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { baseProperties, p } from './base.js';

/** One row per model call (or per blocked task attempt): tokens, cost in micro-USD, status. */
export const UsageLedgerSchema = defineEntity({
  name: 'UsageLedgerRow',
  tableName: 'usage_ledger',
  properties: {
    ...baseProperties,
    taskId: p.string().index(),
    workflowId: p.string().nullable().index(),
    runId: p.string().nullable(),
    stepId: p.string().nullable(),
    runtimeId: p.string(),
    modelId: p.string(),
    inputTokens: p.integer().default(0),
    outputTokens: p.integer().default(0),
    cacheReadTokens: p.integer().default(0),
    cacheWriteTokens: p.integer().default(0),
    costMicros: p.bigint('number').default(0),
    /** ok | blocked | unknown_pricing | failed */
    status: p.string(),
  },
  indexes: [{ properties: ['createdAt'] }],
});
export type UsageLedgerRow = InferEntity<typeof UsageLedgerSchema>;
