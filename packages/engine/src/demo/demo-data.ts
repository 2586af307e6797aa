import type { Engine } from '../facade/engine.js';
import { hasDocuments } from '../db/document-store.js';
import { insertProjectOnce } from '../db/project-store.js';
import { hasWorkflows } from '../db/workflow-store.js';
import { DEMO_DOCUMENTS } from './demo-documents.js';
import { playDemoHistory, type DemoWorkflows } from './demo-history.js';
import { demoWorkflows, type DemoDocumentKey, type DemoWorkflowKey } from './demo-workflows.js';

/**
 * Id of the demo project row. Its primary key is what makes seeding happen once per database:
 * the row stays when the demo's workflows and documents are deleted, and of two processes
 * seeding the same empty database at once only one can insert it.
 */
export const DEMO_PROJECT_ID = 'demo';

/**
 * Seeds the demo project into an empty database (no workflow, no document, never seeded):
 * six documents, four workflows on the simulator, and their first runs (see
 * {@link playDemoHistory}), so the dashboard opens on costs, success rates, a debug analysis and
 * an optimizer suggestion. Returns false, changing nothing, when the database is not empty or was
 * seeded before.
 */
export async function seedDemoData(engine: Engine): Promise<boolean> {
  if (!(await claimDemoProject(engine))) return false;
  const docs = {} as Record<DemoDocumentKey, string>;
  for (const doc of DEMO_DOCUMENTS) docs[doc.key] = (await engine.documents.create({ ...doc, projectId: DEMO_PROJECT_ID })).id;
  const workflows = {} as DemoWorkflows;
  for (const [key, input] of Object.entries(demoWorkflows(docs)) as [DemoWorkflowKey, (typeof workflows)[DemoWorkflowKey]['input']][]) {
    workflows[key] = { id: (await engine.workflows.create(input, DEMO_PROJECT_ID)).id, input };
  }
  await playDemoHistory(engine, workflows);
  return true;
}

/** Inserts the demo project row when the database is empty; false when it is not or the row exists. */
async function claimDemoProject(engine: Engine): Promise<boolean> {
  const { resources } = engine;
  if ((await hasWorkflows(resources)) || (await hasDocuments(resources))) return false;
  return insertProjectOnce(resources, {
    id: DEMO_PROJECT_ID,
    createdAt: resources.clock.now(),
    name: 'Demo project',
    description: 'Sample documents and workflows, run on the simulator (no model is called).',
  });
}
