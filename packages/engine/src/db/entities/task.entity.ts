import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { baseProperties, p } from './base.js';

/** One agent execution: a step attempt, a schedule firing, or a standalone task. */
export const TaskSchema = defineEntity({
  name: 'Task',
  tableName: 'tasks',
  properties: {
    ...baseProperties,
    /** STEP | SCHEDULE | STANDALONE */
    kind: p.string(),
    workflowId: p.string().nullable().index(),
    runId: p.string().nullable().index(),
    stepRunId: p.string().nullable(),
    scheduleId: p.string().nullable().index(),
    /** QUEUED | RUNNING | COMPLETED | FAILED | CANCELLED */
    status: p.string().index(),
    runtimeId: p.string(),
    modelId: p.string(),
    prompt: p.text(),
    output: p.text().nullable(),
    error: p.text().nullable(),
    failureCategory: p.string().nullable(),
    budgetUsd: p.double().$type<number>(),
    inputTokens: p.integer().default(0),
    outputTokens: p.integer().default(0),
    cacheReadTokens: p.integer().default(0),
    cacheWriteTokens: p.integer().default(0),
    costMicros: p.bigint('number').default(0),
    turns: p.integer().default(0),
    startedAt: p.bigint('number').nullable(),
    finishedAt: p.bigint('number').nullable(),
  },
});
export type Task = InferEntity<typeof TaskSchema>;
