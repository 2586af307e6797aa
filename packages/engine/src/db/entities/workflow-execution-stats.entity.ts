import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { baseProperties, p } from './base.js';

/** Running aggregates per (pattern, step count), updated in the transaction that finishes a run. */
export const WorkflowExecutionStatsSchema = defineEntity({
  name: 'WorkflowExecutionStats',
  tableName: 'workflow_execution_stats',
  properties: {
    ...baseProperties,
    pattern: p.string(),
    stepCount: p.integer(),
    sampleCount: p.integer().default(0),
    successCount: p.integer().default(0),
    meanCostPerStepUsd: p.double().$type<number>().nullable(),
    meanDurationPerStepMs: p.double().$type<number>().nullable(),
    meanDocsPerStep: p.double().$type<number>().nullable(),
    /** { "BUDGET_EXCEEDED": 4, ... } */
    failureCounts: p.json<Record<string, number>>(),
    /** { "anthropic-direct": { "runs": 12, "successes": 11 } } */
    runtimeRuns: p.json<Record<string, { runs: number; successes: number }>>(),
    updatedAt: p.bigint('number'),
  },
  uniques: [{ properties: ['pattern', 'stepCount'] }],
});
export type WorkflowExecutionStats = InferEntity<typeof WorkflowExecutionStatsSchema>;
