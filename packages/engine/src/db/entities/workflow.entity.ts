import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { baseProperties, p } from './base.js';
import type { WorkflowDefinition } from '../../workflows/definition.js';

/**
 * A workflow: its validated definition and the status of its latest run. Run state lives in
 * `workflow_runs` / `step_runs`, never inside the definition JSON.
 */
export const WorkflowSchema = defineEntity({
  name: 'Workflow',
  tableName: 'workflows',
  properties: {
    ...baseProperties,
    projectId: p.string().nullable().index(),
    name: p.string(),
    description: p.text().nullable(),
    pattern: p.string(),
    status: p.string().index(),
    definition: p.json<WorkflowDefinition>(),
    runtimeId: p.string().nullable(),
    budgetUsd: p.double().$type<number>().nullable(),
    /** Number of the latest run (0 before the first). */
    runNumber: p.integer().default(0),
    /** Compare-and-set guard: every claim names the version it read. */
    version: p.integer().default(0),
    /** Last event sequence number handed out for this workflow. */
    eventSeq: p.integer().default(0),
    latestRunId: p.string().nullable(),
    updatedAt: p.bigint('number'),
  },
});
export type Workflow = InferEntity<typeof WorkflowSchema>;
