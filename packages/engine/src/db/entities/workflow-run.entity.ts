import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { baseProperties, p } from './base.js';
import type { CostEstimate } from '../../budget/cost-estimate-types.js';
import type { WorkflowDefinition } from '../../workflows/definition.js';

/** One execution of a workflow, with its lease (owner + expiry) while it occupies a process. */
export const WorkflowRunSchema = defineEntity({
  name: 'WorkflowRun',
  tableName: 'workflow_runs',
  properties: {
    ...baseProperties,
    workflowId: p.string().index(),
    runNumber: p.integer(),
    status: p.string().index(),
    /** The definition as it was when the run started (for the record; retries read the current one). */
    definition: p.json<WorkflowDefinition>(),
    startedAt: p.bigint('number'),
    finishedAt: p.bigint('number').nullable(),
    costEstimate: p.json<CostEstimate>().nullable(),
    inputTokens: p.integer().default(0),
    outputTokens: p.integer().default(0),
    costMicros: p.bigint('number').default(0),
    /** Cost of finished work this run reused instead of running again, micro-USD: steps kept by a retry, turns kept by a resume. */
    reusedMicros: p.bigint('number').default(0),
    failureCategory: p.string().nullable(),
    error: p.text().nullable(),
    /** Process that executes the run; null while parked or finished. */
    ownerId: p.string().nullable(),
    heartbeatAt: p.bigint('number').nullable(),
    leaseExpiresAt: p.bigint('number').nullable().index(),
    /** Times another instance took the run over after its driver died (its lease ran out). */
    resumeCount: p.integer().default(0),
    /** When a delay-parked run is due to continue. */
    resumeAt: p.bigint('number').nullable().index(),
    /** Whether every model call of the run had a known price (caps enforceable). */
    pricingKnown: p.boolean().default(true),
    updatedAt: p.bigint('number'),
  },
  uniques: [{ properties: ['workflowId', 'runNumber'] }],
});
export type WorkflowRun = InferEntity<typeof WorkflowRunSchema>;
