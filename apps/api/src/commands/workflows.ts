import type { EngineApi } from '@stagent/engine';
import { formatUsd } from '@stagent/engine/format';
import { table } from '../terminal/table.js';

/** `stagent workflows`: lists stored workflows with their latest run. */
export async function workflowsCommand(engine: EngineApi, out: NodeJS.WriteStream = process.stdout): Promise<number> {
  const page = await engine.listWorkflows({ first: 200 });
  if (!page.nodes.length) {
    out.write('No workflows yet. Try: stagent run examples/investor-research.yaml\n');
    return 0;
  }
  const runs = await engine.listRunsForWorkflows(
    page.nodes.map((w) => w.id),
    1,
  );
  const rows = [['id', 'name', 'pattern', 'status', 'steps', 'last run', 'cost']];
  for (const w of page.nodes) {
    const run = runs.get(w.id)?.[0];
    rows.push([w.id, w.name, w.pattern, w.status, String(w.steps.length), run ? `#${run.runNumber} ${run.status}` : '-', run ? formatUsd(run.costUsd) : '-']);
  }
  out.write(`${table(rows)}\n`);
  if (page.totalCount > page.nodes.length) out.write(`(${page.totalCount - page.nodes.length} more not shown)\n`);
  return 0;
}
