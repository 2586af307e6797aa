import { getRun, findWorkflow } from '../db/run-rows.js';
import { ledgerCostOfStepRunMicros } from '../db/ledger-store.js';
import { latestStepJournal } from '../db/tool-call-store.js';
import { incrementRow, updateRows } from '../db/direct-sql.js';
import { StepRunSchema } from '../db/entities/step-run.entity.js';
import { WorkflowRunSchema } from '../db/entities/workflow-run.entity.js';
import { inTransaction } from '../db/unit-of-work.js';
import { withSqlExecutor } from '../db/sql-executor.js';
import { ConflictError, ErrorCode, NotApplicableError, NotFoundError, StagentError, WorkflowNotFoundError } from '../errors.js';
import type { EngineResources } from '../resources.js';
import { spentTodayUsd } from '../budget/spend-guard.js';
import { dailyResetText } from '../budget/cap-check.js';
import { formatUsd } from '../format/index.js';
import { MAX_BUDGET_USD } from './definition-schema.js';
import { claimResume, claimRetry } from './run-claims.js';
import { latestStepRows, toStepRunView } from './run-store.js';
import type { RunFinished } from './run-executor.js';

/** A resume that was claimed: the run to drive now. */
export interface ResumedStep {
  runId: string;
}

/**
 * `resumeWorkflowStep`: a PAUSED step (a cap stopped it) goes on from its last journaled turn,
 * with a new cap if one is given; a FAILED or CRASHED step whose journal has completed turns
 * goes on the same way in a new attempt that reads the old attempt's journal. Earlier turns are
 * never called again: what they cost is recorded as reused (`turnsReused`, `reusedMicros` on the
 * step; `reusedMicros` on the run), from the ledger. Refused, with nothing changed: a live run,
 * an unknown step, a step in any other state or without journaled turns, and a cap at or below
 * what the step already spent.
 */
export async function claimStepResume(
  resources: EngineResources,
  workflowId: string,
  stepId: string,
  budgetUsd: number | null | undefined,
  options: {
    dailyCapUsd: number | null;
    /** Caps of the other steps a failed run reopens (from the estimate), USD. */
    perStepBudget: Map<string, number>;
    /** Called when a failed run reopens (its statistics are taken back). */
    onReopen: (info: RunFinished) => Promise<void>;
  },
): Promise<ResumedStep> {
  const { dailyCapUsd } = options;
  if (budgetUsd != null && !(Number.isFinite(budgetUsd) && budgetUsd > 0 && budgetUsd <= MAX_BUDGET_USD))
    throw new StagentError(ErrorCode.OUT_OF_RANGE, `A step's cap is more than 0 and at most ${MAX_BUDGET_USD} USD; got ${budgetUsd}.`, {
      field: ['budgetUsd'],
    });
  const wf = await findWorkflow(resources, workflowId);
  if (!wf) throw new WorkflowNotFoundError(workflowId, ['workflowId']);
  if (!wf.definition.steps.some((s) => s.id === stepId)) throw new NotFoundError(`Step of workflow "${wf.name}"`, stepId, ['stepId']);
  if (!wf.latestRunId) throw new NotApplicableError(`Workflow "${wf.name}" has not run yet; execute it instead.`, ['workflowId']);
  const run = await getRun(resources, wf.latestRunId);
  if (run.status === 'RUNNING') throw new ConflictError(`Run ${run.runNumber} is running; a step can resume only once its run has stopped.`, ['workflowId']);
  const target = (await latestStepRows(resources, run.id)).filter((r) => r.stepId === stepId).at(-1);
  const journal = target ? await latestStepJournal(resources, target.resumedFromId && target.status === 'PENDING' ? target.resumedFromId : target.id) : null;
  const resumable = target && (target.status === 'PAUSED' || (target.status === 'FAILED' && journal !== null && run.status === 'FAILED'));
  if (!target || !resumable)
    throw new NotApplicableError(
      `Step "${target?.name ?? stepId}" is ${target?.status ?? 'not started'}${target?.status === 'FAILED' ? ' with no journaled turn' : ''}; only a paused step, or a failed or crashed one whose journal holds completed turns, can resume (retryWorkflowStep starts it afresh).`,
      ['stepId'],
    );
  const spentUsd = target.status === 'PAUSED' ? target.costMicros / 1e6 : 0;
  const capUsd = budgetUsd ?? target.budgetUsd;
  if (target.status === 'PAUSED' && capUsd <= spentUsd)
    throw new StagentError(
      ErrorCode.OUT_OF_RANGE,
      `Step "${target.name}" has spent ${formatUsd(spentUsd)}; give a cap above that (budgetUsd) for it to go on.`,
      { field: ['budgetUsd'] },
    );
  if (dailyCapUsd !== null) {
    const now = resources.clock.now();
    const today = await withSqlExecutor(resources.orm, (sql) => spentTodayUsd(sql, now));
    if (today >= dailyCapUsd)
      throw new ConflictError(
        `Spend today is ${formatUsd(today)}, at the daily cap of ${formatUsd(dailyCapUsd)} (budget.maxDailyCostUsd). ${dailyResetText(now)} Resume it then, or raise the setting.`,
        ['workflowId'],
      );
  }
  const turns = journal?.turn ?? 0;
  if (target.status === 'PAUSED') {
    return inTransaction(resources, async (uow) => {
      const reusedMicros = await ledgerCostOfStepRunMicros(uow.sql, target.id);
      const now = resources.clock.now();
      await updateRows(uow.sql, StepRunSchema, { id: target.id }, { budgetUsd: capUsd, turnsReused: turns, reusedMicros, updatedAt: now });
      await incrementRow(uow.sql, WorkflowRunSchema, run.id, { reusedMicros: reusedMicros - (target.reusedMicros ?? 0) }, { updatedAt: now });
      uow.emit({
        kind: 'STEP_RESUMED',
        workflowId,
        runId: run.id,
        stepId,
        message: `Step "${target.name}" resumes at turn ${turns + 1} with a cap of ${formatUsd(capUsd)}: ${formatUsd(reusedMicros / 1e6)} of earlier work reused.`,
        step: toStepRunView({ ...target, budgetUsd: capUsd, turnsReused: turns, reusedMicros }),
        data: { turnsReused: turns, reusedUsd: reusedMicros / 1e6, budgetUsd: capUsd },
      });
      await claimResume(uow, resources, run.id, 'PAUSED', `Run ${run.runNumber} resumed: step "${target.name}" goes on from turn ${turns}.`);
      return { runId: run.id };
    });
  }
  // A failed or crashed attempt: a new attempt that goes on from the old one's journal.
  const runId = await claimRetry(resources, workflowId, stepId, new Map([...options.perStepBudget, [stepId, capUsd]]), options.onReopen, {
    resumeFrom: target.id,
    turnsReused: turns,
  });
  return { runId };
}
