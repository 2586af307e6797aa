import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EngineApi } from '@stagent/engine';
import { bindDocuments, readWorkflowFile } from './workflow-file.js';

/** The repository's example workflows (with their documents), which double as the demo project. */
export const EXAMPLES_DIR = fileURLToPath(new URL('../../../examples/', import.meta.url));

/** The demo workflows, in the order they appear in the dashboard (latest created first). */
const DEMO_FILES = ['launch-review.yaml', 'competitor-digest.yaml', 'investor-research.yaml'];

/**
 * Seeds the demo project into an empty database: the three example workflows (one of them the
 * 3-step investor research with its 6 documents). Does nothing when any workflow exists.
 * Returns what was created, or null when nothing was.
 */
export async function seedDemoData(engine: EngineApi, examplesDir = EXAMPLES_DIR): Promise<{ workflows: number; documents: number } | null> {
  const existing = await engine.listWorkflows({ first: 1 });
  if (existing.totalCount > 0 || !existsSync(examplesDir)) return null;
  const before = (await engine.listDocuments()).length;
  let workflows = 0;
  for (const name of DEMO_FILES) {
    const file = await readWorkflowFile(`${examplesDir}${name}`);
    await engine.createWorkflow(await bindDocuments(engine, file, name));
    workflows += 1;
  }
  return { workflows, documents: (await engine.listDocuments()).length - before };
}
