import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { ProjectSchema, type Project } from './entities/project.entity.js';
import type { EngineResources } from '../resources.js';

/**
 * Inserts a project row; false when a row with its id exists. Of two processes inserting the
 * same id at once only one gets true, which is what makes a one-time claim (the demo's seeding).
 */
export async function insertProjectOnce(resources: EngineResources, row: Project): Promise<boolean> {
  const em = resources.orm.em.fork();
  em.create(ProjectSchema, row);
  try {
    await em.flush();
    return true;
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) return false;
    throw error;
  }
}
