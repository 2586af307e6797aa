import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { baseProperties, p } from './base.js';

/** Binds a document to a workflow: `stepId` null = every step, otherwise that step only. */
export const WorkflowDocumentInputSchema = defineEntity({
  name: 'WorkflowDocumentInput',
  tableName: 'workflow_document_inputs',
  properties: {
    ...baseProperties,
    workflowId: p.string().index(),
    documentId: p.string().index(),
    stepId: p.string().nullable(),
    position: p.integer().default(0),
  },
});
export type WorkflowDocumentInput = InferEntity<typeof WorkflowDocumentInputSchema>;
