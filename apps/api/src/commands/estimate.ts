import { StagentError, type EngineApi } from '@stagent/engine';
import { formatCount, formatUsd } from '@stagent/engine/format';
import { table } from '../terminal/table.js';
import { WorkflowFileError } from '../workflow-file.js';
import { describeDefinitionError, loadDefinition } from './run.js';

/** `stagent estimate FILE [--runtime ID]`: prints the pre-flight estimate per step; 2 on a bad file. */
export async function estimateCommand(
  engine: EngineApi,
  options: { file: string; runtimeId?: string },
  out: NodeJS.WriteStream = process.stdout,
  err: NodeJS.WriteStream = process.stderr,
): Promise<number> {
  try {
    const definition = await loadDefinition(engine, options.file, options.runtimeId);
    const estimate = await engine.estimateWorkflowCost(definition);
    const rows = [['step', 'runtime / model', 'input tok', 'output tok', 'turns', 'estimate', 'budget', '']];
    for (const s of estimate.steps) {
      rows.push([
        s.name,
        `${s.runtimeId} / ${s.modelId}`,
        formatCount(s.inputTokens),
        formatCount(s.outputTokens),
        String(s.turns),
        formatUsd(s.estimatedUsd),
        formatUsd(s.budgetUsd),
        s.overBudget ? 'OVER BUDGET' : s.priced ? '' : 'no price',
      ]);
    }
    out.write(`${table(rows)}\n`);
    out.write(`Total ${formatUsd(estimate.totalUsd)} of ${formatUsd(estimate.budgetUsd)} budget${estimate.overBudget ? ' (over budget)' : ''}\n`);
    for (const warning of estimate.warnings) out.write(`! ${warning}\n`);
    return 0;
  } catch (error) {
    if (error instanceof WorkflowFileError) err.write(`${error.message}\n`);
    else if (error instanceof StagentError) err.write(`${describeDefinitionError(options.file, error)}\n`);
    else throw error;
    return 2;
  }
}
