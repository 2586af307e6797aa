import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { p } from './base.js';
import type { EventPayload } from '../../events/workflow-event.js';

/** Every workflow event, with a per-workflow strictly increasing `seq`. Ids are real indexed columns. */
export const WorkflowEventSchema = defineEntity({
  name: 'WorkflowEventRow',
  tableName: 'workflow_events',
  properties: {
    id: p.string().primary(),
    workflowId: p.string(),
    seq: p.integer(),
    runId: p.string().index(),
    stepId: p.string().nullable(),
    taskId: p.string().nullable().index(),
    kind: p.string(),
    at: p.bigint('number'),
    payload: p.json<EventPayload>(),
  },
  uniques: [{ properties: ['workflowId', 'seq'] }],
});
export type WorkflowEventRow = InferEntity<typeof WorkflowEventSchema>;
