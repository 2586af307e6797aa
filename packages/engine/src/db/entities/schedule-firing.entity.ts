import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { baseProperties, p } from './base.js';

/** One firing of a schedule: what it ran and how it ended. Unique per (schedule, due time). */
export const ScheduleFiringSchema = defineEntity({
  name: 'ScheduleFiring',
  tableName: 'schedule_firings',
  properties: {
    ...baseProperties,
    scheduleId: p.string().index(),
    dueAt: p.bigint('number'),
    firedAt: p.bigint('number'),
    finishedAt: p.bigint('number').nullable(),
    /** RUNNING | COMPLETED | FAILED | CANCELLED */
    status: p.string(),
    taskId: p.string().nullable(),
    runId: p.string().nullable(),
    turns: p.integer().nullable(),
    failureCategory: p.string().nullable(),
    error: p.text().nullable(),
    catchUp: p.boolean().default(false),
  },
  uniques: [{ properties: ['scheduleId', 'dueAt'] }],
});
export type ScheduleFiring = InferEntity<typeof ScheduleFiringSchema>;
