import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { baseProperties, p } from './base.js';

/** A project groups workflows and documents (the demo data lives in one). */
export const ProjectSchema = defineEntity({
  name: 'Project',
  tableName: 'projects',
  properties: { ...baseProperties, name: p.string(), description: p.text().nullable() },
});
export type Project = InferEntity<typeof ProjectSchema>;
