import { reportRunEnded } from '../workflows/run-telemetry.js';
import { pruneStepJournals } from '../db/tool-call-store.js';
import { claimStepResume } from '../workflows/step-resume-claim.js';
import { decideToolCall } from '../workflows/tool-approvals.js';
import type { ToolCallView } from '../tools/tool-call-view.js';
import { dueDelayedRuns, findRun, findWorkflow, runningRuns, takeRunDriver } from '../db/run-rows.js';
import { inSqlTransaction, inTransaction } from '../db/unit-of-work.js';
import { WorkflowNotFoundError, ConflictError } from '../errors.js';
import type { EngineResources } from '../resources.js';
import type { DocumentSystem, DocumentContent } from '../documents/document-system.js';
import { estimateCost, type StepExpectation } from '../workflows/cost-estimate.js';
import type { CostEstimate } from '../budget/cost-estimate-types.js';
import type { EngineIntelligence } from './engine-intelligence.js';
import type { RunReader } from './engine-runs.js';
import type { RunStart } from './engine-api.js';
import type { SuggestionAction } from '../intelligence/intelligence-types.js';
import type { WorkflowDefinition, WorkflowDefinitionInput } from '../workflows/definition.js';
import type { EffectiveDefinition } from '../profiles/effective-step.js';
import type { WorkflowView } from '../workflows/read-models.js';
import { AbortReason, closeOpenSteps, type RunExecutor } from '../workflows/run-executor.js';
import { claimNewRun, claimResume, claimRetry, decideCheckpoint } from '../workflows/run-claims.js';
import { heartbeat, HEARTBEAT_INTERVAL_MS, LEASE_DURATION_MS, leaseIsLive, recoverCrashedRuns } from '../workflows/leases.js';
import { takeOverRun } from '../workflows/run-takeover.js';
import { driveJobPending } from '../db/run-queue.js';
import { withSqlExecutor } from '../db/sql-executor.js';
import type { SettingsSystem } from '../settings/settings-system.js';
import { latestStepRows, mirrorRunOnWorkflow, transitionRunRow } from '../workflows/run-store.js';
import type { StepRunner } from '../workflows/step-runner.js';
import type { WorkflowSystem } from '../workflows/workflow-system.js';

/** How often due delays and dead leases are checked, ms. */
export const DELAY_CHECK_INTERVAL_MS = 1_000;
/** Take-overs a run may have when instances share runs and setting recovery.maxTakeOvers is unset: a worker's death is routine there. */
export const DEFAULT_TAKE_OVERS_SCALED_OUT = 3;
/** How often finished runs' turn journals past their retention are deleted, ms. */
export const JOURNAL_PRUNE_INTERVAL_MS = 3_600_000;

/**
 * Starting, retrying, cancelling, approving and resuming runs; estimates; timers for
 * heartbeats, delays and recovery. Each operation claims through run-claims and hands the run
 * to the {@link RunExecutor}.
 */
export class RunControl {
  private timers: NodeJS.Timeout[] = [];
  private readonly stopFollowingCancels: () => void;

  constructor(
    private readonly resources: EngineResources,
    private readonly runner: StepRunner,
    private readonly executor: RunExecutor,
    private readonly workflows: WorkflowSystem,
    private readonly documents: DocumentSystem,
    private readonly intelligence: EngineIntelligence,
    private readonly runs: RunReader,
    /** The engine's settings (one cache: a write through the engine is seen here at once). */
    private readonly settings: SettingsSystem,
  ) {
    // A cancel on another instance (its RUN_CANCELLED reaches every instance's bus) aborts the
    // calls of the run this instance drives at once, rather than at its next heartbeat.
    this.stopFollowingCancels = resources.bus.subscribeAll((event) => {
      if (event.kind === 'RUN_CANCELLED' && event.runId && this.executor.live.has(event.runId)) this.executor.abort(event.runId, AbortReason.CANCELLED);
    });
  }

  /** Drives a claimed run here, or (scaled out) leaves it to the worker that takes the job its claim enqueued. */
  private launch(runId: string, workflowId: string): void {
    if (!this.resources.runQueue) this.executor.launch(runId, workflowId);
  }

  /**
   * A worker's drive job: becomes the run's driver unless a live instance already is, drives it,
   * and resolves once it stopped being driven here (finished, parked, cancelled or lost).
   */
  async driveQueued(job: { runId: string; workflowId: string }): Promise<void> {
    const now = this.resources.clock.now();
    if (!(await takeRunDriver(this.resources, job.runId, this.resources.ownerId, now, now + LEASE_DURATION_MS))) return;
    if (!this.executor.live.has(job.runId)) this.executor.launch(job.runId, job.workflowId);
    await this.executor.settled(job.runId);
  }

  /** Starts a run (or a re-run). CONFLICT when a live run exists. The estimate never blocks. */
  async execute(workflowId: string): Promise<RunStart> {
    const wf = await this.workflows.get(workflowId);
    if (!wf) throw new WorkflowNotFoundError(workflowId);
    const estimate = await this.estimateView(wf);
    const runId = await claimNewRun(this.resources, workflowId, estimate, new Map(estimate.steps.map((s) => [s.stepId, s.budgetUsd])));
    this.launch(runId, workflowId);
    return this.started(workflowId, runId, estimate);
  }

  /** Retries one failed step of the latest run; completed steps are reused, not re-run. */
  async retryStep(workflowId: string, stepId: string): Promise<RunStart> {
    const wf = await this.workflows.get(workflowId);
    if (!wf) throw new WorkflowNotFoundError(workflowId, ['workflowId']);
    const estimate = await this.estimateView(wf);
    const runId = await claimRetry(this.resources, workflowId, stepId, new Map(estimate.steps.map((s) => [s.stepId, s.budgetUsd])), (info) =>
      this.intelligence.retractRun(info),
    );
    this.launch(runId, workflowId);
    return this.started(workflowId, runId, estimate);
  }

  /**
   * Resumes a paused step (or a failed or crashed one with journaled turns) from its last
   * journaled turn, with a new cap if given; earlier turns are reused, not called again.
   */
  async resumeStep(workflowId: string, stepId: string, budgetUsd: number | null | undefined, dailyCapUsd: number | null): Promise<RunStart> {
    const wf = await this.workflows.get(workflowId);
    if (!wf) throw new WorkflowNotFoundError(workflowId, ['workflowId']);
    const estimate = await this.estimateView(wf);
    const { runId } = await claimStepResume(this.resources, workflowId, stepId, budgetUsd, {
      dailyCapUsd,
      perStepBudget: new Map(estimate.steps.map((s) => [s.stepId, s.budgetUsd])),
      onReopen: (info) => this.intelligence.retractRun(info),
    });
    this.launch(runId, workflowId);
    return this.started(workflowId, runId, estimate);
  }

  /**
   * Cancels the latest run: a run executing here is aborted (provider calls get the abort
   * signal) and ends CANCELLED; a parked run, or one executing in another process (which
   * notices at its next heartbeat), is marked CANCELLED directly.
   */
  async cancel(workflowId: string): Promise<WorkflowView> {
    const wf = await findWorkflow(this.resources, workflowId);
    if (!wf) throw new WorkflowNotFoundError(workflowId);
    const run = wf.latestRunId ? await findRun(this.resources, wf.latestRunId) : null;
    if (!run || !['RUNNING', 'PAUSED', 'WAITING_APPROVAL'].includes(run.status))
      throw new ConflictError(`Workflow "${wf.name}" has no run in progress to cancel.`, ['id']);
    if (this.executor.abort(run.id, AbortReason.CANCELLED)) {
      await this.executor.settled(run.id);
    } else {
      const now = this.resources.clock.now();
      await inTransaction(this.resources, async (uow) => {
        await closeOpenSteps(uow, await latestStepRows(uow, run.id), 'CANCELLED', now, workflowId);
        await transitionRunRow(uow, run.id, ['RUNNING', 'PAUSED', 'WAITING_APPROVAL'], 'CANCELLED', {
          finishedAt: now,
          failureCategory: 'CANCELLED',
          error: 'Cancelled by user.',
          ownerId: null,
          leaseExpiresAt: null,
          resumeAt: null,
          updatedAt: now,
        });
        await mirrorRunOnWorkflow(uow, workflowId, run.id, 'CANCELLED', now);
        uow.emit({ kind: 'RUN_CANCELLED', workflowId, runId: run.id, message: `Run ${run.runNumber} was cancelled.` });
      });
      reportRunEnded(this.resources.telemetry, run, 'CANCELLED', 'CANCELLED', now);
    }
    return (await this.workflows.get(workflowId))!;
  }

  async resolveCheckpoint(workflowId: string, stepId: string, approved: boolean, comment: string | null): Promise<WorkflowView> {
    const { runId, resumed } = await decideCheckpoint(this.resources, workflowId, stepId, approved, comment);
    if (resumed) this.launch(runId, workflowId);
    return (await this.workflows.get(workflowId))!;
  }

  /** Records a decision on a waiting tool call; the run goes on here when it was the step's last open call. */
  async resolveToolCall(id: string, approved: boolean, comment: string | null, fingerprintOf: (toolName: string) => string | null): Promise<ToolCallView> {
    const { toolCall, resume } = await decideToolCall(this.resources, id, approved, comment, fingerprintOf);
    if (resume) this.launch(resume.runId, resume.workflowId);
    return toolCall;
  }

  /** Resumes delay-parked runs whose resume time has passed. Returns their ids. */
  async resumeDueDelays(): Promise<string[]> {
    const now = this.resources.clock.now();
    const due = await dueDelayedRuns(this.resources, now);
    const resumed: string[] = [];
    for (const run of due) {
      try {
        await inTransaction(this.resources, (uow) => claimResume(uow, this.resources, run.id, 'PAUSED', `Run ${run.runNumber} resumed after its delay.`));
        this.launch(run.id, run.workflowId);
        resumed.push(run.id);
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error; // another process resumed it first
      }
    }
    return resumed;
  }

  /** Deletes the turn journals of runs finished longer ago than setting journal.retentionDays. Returns how many entries went. */
  async pruneJournals(retentionDays: number): Promise<number> {
    const cutoff = this.resources.clock.now() - retentionDays * 86_400_000;
    return inSqlTransaction(this.resources, (uow) => pruneStepJournals(uow.sql, cutoff));
  }

  /**
   * Runs whose driver died (start-up and periodic): with setting recovery.maxTakeOvers at 0 (unset:
   * one instance alone) they end CRASHED, for resumeWorkflowStep; above 0 (unset: scaled out, 3)
   * this instance takes each over and drives it on from its steps' journals, until a run was taken
   * over that many times. Returns their ids.
   */
  async recover(): Promise<string[]> {
    const maxTakeOvers = (await this.settings.get<number>('recovery.maxTakeOvers')) ?? (this.resources.runQueue ? DEFAULT_TAKE_OVERS_SCALED_OUT : 0);
    if (maxTakeOvers === 0) return recoverCrashedRuns(this.resources);
    const now = this.resources.clock.now();
    const handled: string[] = [];
    for (const run of await runningRuns(this.resources)) {
      if (run.ownerId === this.resources.ownerId || leaseIsLive(run, now)) continue;
      // Never driven and its job still queued, or just taken by a worker not yet written in as its
      // driver: that worker drives it; only a job lost with its worker is recovered here.
      if (!run.ownerId && this.resources.runQueue && (await withSqlExecutor(this.resources.orm, (sql) => driveJobPending(sql, run.id, LEASE_DURATION_MS))))
        continue;
      try {
        const driving = await inTransaction(this.resources, (uow) => takeOverRun(uow, this.resources, run, maxTakeOvers, now));
        if (driving) this.executor.launch(run.id, run.workflowId);
        handled.push(run.id);
      } catch (error) {
        this.resources.logger.warn('take-over skipped a run', { runId: run.id, error: String(error) });
      }
    }
    return handled;
  }

  /** Renews leases of live runs; aborts local executions whose run was cancelled or taken elsewhere. */
  async heartbeat(): Promise<void> {
    const lost = await heartbeat(this.resources, [...this.executor.live.keys()]);
    for (const runId of lost) this.executor.abort(runId, AbortReason.CANCELLED);
  }

  /** Heartbeats, due delays, recovery of dead drivers' runs (unless `recover` is off: an api instance drives none) and (hourly) the pruning of old turn journals. */
  startTimers(journalRetentionDays: () => Promise<number | null>, options: { recover: boolean } = { recover: true }): void {
    const every = (ms: number, work: () => Promise<unknown>) => {
      const t = setInterval(() => void work().catch((e) => this.resources.logger.error('timer failed', { error: String(e) })), ms);
      t.unref();
      this.timers.push(t);
    };
    every(HEARTBEAT_INTERVAL_MS, () => this.heartbeat());
    every(DELAY_CHECK_INTERVAL_MS, () => this.resumeDueDelays());
    if (options.recover) every(LEASE_DURATION_MS, () => this.recover());
    every(JOURNAL_PRUNE_INTERVAL_MS, async () => this.pruneJournals((await journalRetentionDays()) ?? 14));
  }

  async shutdown(): Promise<void> {
    this.stopFollowingCancels();
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    const live = [...this.executor.live.keys()];
    for (const runId of live) this.executor.abort(runId, AbortReason.SHUTDOWN);
    await Promise.all(live.map((id) => this.executor.settled(id)));
  }

  /** Applies an optimizer or debug action: definition changes go through update's validation. */
  async applySuggestion(workflowId: string, action: SuggestionAction): Promise<WorkflowView> {
    const wf = await this.workflows.get(workflowId);
    if (!wf) throw new WorkflowNotFoundError(workflowId, ['workflowId']);
    const run = this.intelligence.runAction(wf, action);
    if (run?.type === 'RETRY_STEP') return (await this.retryStep(workflowId, run.stepId)).workflow;
    if (run?.type === 'RERUN_WORKFLOW') return (await this.execute(workflowId)).workflow;
    if (run?.type === 'RESUME_STEP') return (await this.resumeStep(workflowId, run.stepId, run.budgetUsd, null)).workflow;
    return this.workflows.update(workflowId, this.intelligence.applyToInput(wf, action));
  }

  /** Estimate of a submitted definition (validated first; errors carry field paths). */
  async estimateInput(input: WorkflowDefinitionInput): Promise<CostEstimate> {
    const valid = await this.workflows.validate(input);
    const docs = await this.documents.contents([...new Set(valid.bindings.map((b) => b.documentId))]);
    const [definition] = await this.workflows.withProfiles([valid.definition]);
    return this.estimate(definition!, valid.bindings, docs);
  }

  async estimateStored(workflowId: string): Promise<CostEstimate> {
    const estimate = (await this.estimateMany([workflowId])).get(workflowId);
    if (!estimate) throw new WorkflowNotFoundError(workflowId);
    return estimate;
  }

  /** Estimates of stored workflows, batched: a fixed number of queries whatever the count. */
  async estimateMany(workflowIds: readonly string[]): Promise<Map<string, CostEstimate>> {
    const views = (await this.workflows.getMany(workflowIds)).filter((w): w is WorkflowView => w !== null);
    const docs = await this.documents.contents([...new Set(views.flatMap((w) => w.documents.map((b) => b.documentId)))]);
    // Each step as it would run: merged with its agent profile (runtime, model, system prompt).
    const definitions = await this.workflows.withProfiles(views.map(definitionOf));
    const learned = await this.intelligence.expectations(definitions, (d, s) => this.runner.resolveRuntimeId(s, d));
    const out = new Map<string, CostEstimate>();
    for (const [i, wf] of views.entries()) out.set(wf.id, await this.estimate(definitions[i]!, wf.documents, docs, learned));
    return out;
  }

  private async estimateView(wf: WorkflowView): Promise<CostEstimate> {
    return (await this.estimateMany([wf.id])).get(wf.id)!;
  }

  private async estimate(
    definition: EffectiveDefinition,
    bindings: { documentId: string; stepId: string | null }[],
    docs: DocumentContent[],
    known?: Map<string, StepExpectation>,
  ): Promise<CostEstimate> {
    const byId = new Map(docs.map((d) => [d.id, d]));
    const learned = known ?? (await this.intelligence.expectations([definition], (d, s) => this.runner.resolveRuntimeId(s, d)));
    return estimateCost(definition, {
      catalog: this.resources.catalog,
      documentsFor: (stepId) =>
        [...new Set(bindings.filter((b) => b.stepId === null || b.stepId === stepId).map((b) => b.documentId))].flatMap((id) =>
          byId.has(id) ? [byId.get(id)!] : [],
        ),
      resolveRuntimeId: (step) => this.runner.resolveRuntimeId(step, definition),
      resolveCap: (step) => this.runner.resolveCap(step, definition),
      expectationFor: (step, modelId) => learned.get(`${definition.pattern}\u0000${step.name}\u0000${modelId}`),
    });
  }

  private async started(workflowId: string, runId: string, costEstimate: CostEstimate): Promise<RunStart> {
    return { workflow: (await this.workflows.get(workflowId))!, run: (await this.runs.get(runId))!, costEstimate };
  }
}

function definitionOf(wf: WorkflowView): WorkflowDefinition {
  return {
    name: wf.name,
    description: wf.description,
    pattern: wf.pattern,
    runtimeId: wf.runtimeId,
    budgetUsd: wf.budgetUsd,
    steps: wf.steps.map(({ documentIds: _documentIds, ...s }) => s),
    config: wf.config,
  };
}
