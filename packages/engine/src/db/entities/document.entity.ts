import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { baseProperties, p } from './base.js';

/** A text document that can be bound to workflows (globally or to one step). */
export const DocumentSchema = defineEntity({
  name: 'DocumentRow',
  tableName: 'documents',
  properties: {
    ...baseProperties,
    projectId: p.string().nullable().index(),
    name: p.string(),
    mimeType: p.string(),
    content: p.text(),
    sizeBytes: p.integer(),
  },
});
export type DocumentRow = InferEntity<typeof DocumentSchema>;
