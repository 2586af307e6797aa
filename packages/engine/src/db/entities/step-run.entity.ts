import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { baseProperties, p } from './base.js';

/** Evidence kept with a failure, read by debug analysis. All numbers in their natural unit. */
export interface FailureEvidence {
  providerMessage?: string;
  httpStatus?: number;
  spentUsd?: number;
  capUsd?: number;
  tokensUsed?: number;
  tokenCap?: number;
  dailySpentUsd?: number;
  dailyCapUsd?: number;
  turns?: number;
  maxTurns?: number;
  promptTokens?: number;
  contextWindow?: number;
  deadlineMs?: number;
  retries?: number;
  /** TOOL_ERROR: the qualified name of the tool whose failure ended the step, and what it said. */
  toolName?: string;
  toolError?: string;
}

/**
 * One attempt of one step in one run (loops: one row per iteration). A retry adds a row with
 * `attempt + 1`; the row with the highest attempt is the step's current state. Live metrics are
 * kept here as events arrive so every client reads the same numbers.
 */
export const StepRunSchema = defineEntity({
  name: 'StepRun',
  tableName: 'step_runs',
  properties: {
    ...baseProperties,
    runId: p.string().index(),
    workflowId: p.string().index(),
    stepId: p.string(),
    stepIndex: p.integer(),
    /** Loop iteration (1-based) or 0 for steps outside a loop. */
    iteration: p.integer().default(0),
    attempt: p.integer().default(1),
    name: p.string(),
    status: p.string(),
    taskId: p.string().nullable(),
    output: p.text().nullable(),
    error: p.text().nullable(),
    failureCategory: p.string().nullable(),
    evidence: p.json<FailureEvidence>().nullable(),
    runtimeId: p.string().nullable(),
    modelId: p.string().nullable(),
    startedAt: p.bigint('number').nullable(),
    finishedAt: p.bigint('number').nullable(),
    durationMs: p.integer().nullable(),
    estimatedDurationMs: p.integer().nullable(),
    inputTokens: p.integer().default(0),
    outputTokens: p.integer().default(0),
    cacheReadTokens: p.integer().default(0),
    cacheWriteTokens: p.integer().default(0),
    costMicros: p.bigint('number').default(0),
    budgetUsd: p.double().$type<number>(),
    turns: p.integer().default(0),
    currentTool: p.string().nullable(),
    /** Output tokens per second over the time the step has been running. */
    tokensPerSecond: p.double().$type<number>().nullable(),
    resumeAt: p.bigint('number').nullable(),
    /** When a checkpoint gate before this step was approved (epoch ms), and the reviewer's comment. */
    approvedAt: p.bigint('number').nullable(),
    approvalComment: p.text().nullable(),
    documentCount: p.integer().default(0),
    pricingKnown: p.boolean().default(true),
    /** Completed model turns taken from the turn journal instead of called again (a resume). */
    turnsReused: p.integer().default(0),
    /** What those turns cost when they were first paid for, micro-USD (from the ledger). */
    reusedMicros: p.bigint('number').default(0),
    /** The earlier attempt whose journal this attempt goes on from (a resumed failed or crashed step). */
    resumedFromId: p.string().nullable(),
    updatedAt: p.bigint('number'),
  },
  uniques: [{ properties: ['runId', 'stepId', 'iteration', 'attempt'] }],
});
export type StepRun = InferEntity<typeof StepRunSchema>;
