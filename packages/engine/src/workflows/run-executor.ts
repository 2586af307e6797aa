import type { WorkflowRun } from '../db/entities/workflow-run.entity.js';
import { reportRunEnded } from './run-telemetry.js';
import { transitionToolCallRow, waitingToolCallsOfStepRun } from '../db/tool-call-store.js';
import { toToolCallView } from '../tools/tool-call-view.js';
import type { StepRun } from '../db/entities/step-run.entity.js';
import { getRun, getWorkflow } from '../db/run-rows.js';
import { inTransaction, type UnitOfWork } from '../db/unit-of-work.js';
import type { SqlExecutor } from '../db/sql-executor.js';
import type { EngineResources } from '../resources.js';
import { transitionTaskRow } from '../tasks/task-store.js';
import type { DocumentContent, DocumentSystem } from '../documents/document-system.js';
import type { WorkflowDefinition } from './definition.js';
import { executorFor } from './patterns/index.js';
import type { PatternOutcome } from './patterns/pattern-context.js';
import { createPatternContext } from './run-context.js';
import { latestStepRows, mirrorRunOnWorkflow, toStepRunView, transitionRunRow, transitionStepRow } from './run-store.js';
import type { RunStatus } from './run-state.js';
import type { StepRunner } from './step-runner.js';
import type { WorkflowBindings } from './workflow-system.js';

/** Facts about a finished run, handed to listeners (execution stats) inside its final transaction. */
export interface RunFinished {
  /** Plain statements in the run's final transaction. */
  sql: SqlExecutor;
  workflowId: string;
  runId: string;
  definition: WorkflowDefinition;
  status: RunStatus;
  failureCategory: string | null;
  steps: StepRun[];
  durationMs: number;
  now: number;
}

/** Reasons a live execution is aborted. */
export const AbortReason = { CANCELLED: 'cancelled', LEASE_LOST: 'lease-lost', SHUTDOWN: 'shutdown' } as const;

/**
 * Drives runs in this process: loads the run's state, lets the pattern executor continue it,
 * and applies the outcome (complete, fail, park, cancel) to run, steps and workflow in one
 * transaction with its events. Keeps the set of live executions for cancel and heartbeats.
 */
export class RunExecutor {
  readonly live = new Map<string, { controller: AbortController; done: Promise<void> }>();

  constructor(
    private readonly resources: EngineResources,
    private readonly runner: StepRunner,
    private readonly documents: DocumentSystem,
    private readonly bindings: WorkflowBindings,
    private readonly onFinished: (info: RunFinished) => Promise<void> = async () => {},
    private readonly expectations: (definition: WorkflowDefinition) => Promise<Map<string, number>> = async () => new Map(),
  ) {}

  /** Starts driving a claimed (RUNNING, owned by this process) run in the background. */
  launch(runId: string, workflowId: string): void {
    const controller = new AbortController();
    const done = this.drive(runId, workflowId, controller.signal)
      .catch((error) => this.resources.logger.error('run execution failed', { runId, error: String(error) }))
      .finally(() => this.live.delete(runId));
    this.live.set(runId, { controller, done });
  }

  /** Resolves when the run's execution in this process has settled. */
  async settled(runId: string): Promise<void> {
    await this.live.get(runId)?.done;
  }

  abort(runId: string, reason: string): boolean {
    const entry = this.live.get(runId);
    entry?.controller.abort(reason);
    return Boolean(entry);
  }

  private async drive(runId: string, workflowId: string, signal: AbortSignal): Promise<void> {
    let outcome: PatternOutcome;
    try {
      // Each step merged with its agent profile as the profile is now (a profile edited between runs applies to the next drive).
      const definition = (await this.bindings.withProfiles([(await getWorkflow(this.resources, workflowId)).definition]))[0]!;
      const rows = await latestStepRows(this.resources, runId);
      const bound = await this.bindings.bindingsOf(workflowId);
      const docs = new Map((await this.documents.contents([...new Set(bound.map((b) => b.documentId))])).map((d) => [d.id, d]));
      const documentsFor = (stepId: string): DocumentContent[] => {
        const ids = [...new Set([...bound.filter((b) => b.stepId === null), ...bound.filter((b) => b.stepId === stepId)].map((b) => b.documentId))];
        return ids.flatMap((id) => (docs.has(id) ? [docs.get(id)!] : []));
      };
      const expected = await this.expectations(definition);
      const ctx = createPatternContext(
        this.resources,
        this.runner,
        {
          workflowId,
          runId,
          definition,
          documentsFor,
          rows: new Map(rows.map((r) => [`${r.stepId}:${r.iteration}`, r])),
          expectedDurationMs: (stepId) => expected.get(stepId) ?? null,
        },
        signal,
      );
      outcome = await executorFor(definition.pattern)(ctx);
      if (signal.aborted && outcome.kind !== 'FAILED') outcome = { kind: 'CANCELLED' };
    } catch (error) {
      this.resources.logger.error('pattern executor threw', { runId, error: String(error) });
      outcome = signal.aborted
        ? { kind: 'CANCELLED' }
        : { kind: 'FAILED', stepId: '', category: 'UNKNOWN', error: error instanceof Error ? error.message : String(error) };
    }
    if (signal.reason === AbortReason.LEASE_LOST || signal.reason === AbortReason.SHUTDOWN) return; // another owner or the recovery sweep decides
    // A parallel branch's calls may have been resolved while another branch still ran: then nothing
    // waits any more and the run goes on now instead of parking with no one left to resume it.
    if ((await this.finalize(runId, workflowId, outcome)) === 'nothing-waits') return this.drive(runId, workflowId, signal);
  }

  /** Applies an outcome to the run, its open steps and the workflow, with events, in one transaction. */
  async finalize(runId: string, workflowId: string, outcome: PatternOutcome): Promise<'done' | 'nothing-waits'> {
    const now = this.resources.clock.now();
    let ended: { run: WorkflowRun; status: 'COMPLETED' | 'FAILED' | 'CANCELLED'; category: string | null } | null = null;
    const result = await inTransaction(this.resources, async (uow) => {
      const run = await getRun(uow, runId);
      // Cancelled or crashed elsewhere meanwhile, or taken over by another instance after this one's lease lapsed.
      if (run.status !== 'RUNNING' || (run.ownerId !== null && run.ownerId !== undefined && run.ownerId !== this.resources.ownerId)) return 'done';
      const steps = await latestStepRows(uow, runId);
      const waiting = outcome.kind === 'WAITING_APPROVAL' ? await whatWaits(uow, steps) : null;
      if (waiting === 'nothing') return 'nothing-waits';
      if (outcome.kind === 'COMPLETED' || outcome.kind === 'FAILED' || outcome.kind === 'CANCELLED')
        ended = { run, status: outcome.kind, category: outcome.kind === 'FAILED' ? outcome.category : outcome.kind === 'CANCELLED' ? 'CANCELLED' : null };
      const base = { ownerId: null, leaseExpiresAt: null, heartbeatAt: null, updatedAt: now };
      switch (outcome.kind) {
        case 'COMPLETED':
          await transitionRunRow(uow, runId, ['RUNNING'], 'COMPLETED', { ...base, finishedAt: now, failureCategory: null, error: null });
          uow.emit({
            kind: 'RUN_COMPLETED',
            workflowId,
            runId,
            message: `Run ${run.runNumber} completed.`,
            costUsd: run.costMicros / 1e6,
            inputTokens: run.inputTokens,
            outputTokens: run.outputTokens,
          });
          break;
        case 'FAILED': {
          // A step still RUNNING here failed without its end being written (its task runner's own
          // FAILED write failed too, and the pattern executor threw): it fails with the run's error.
          await closeOpenSteps(uow, steps, 'SKIPPED', now, workflowId, { error: outcome.error, category: outcome.category });
          const stepName = steps.find((s) => s.stepId === outcome.stepId)?.name;
          const error = stepName ? `Step "${stepName}" failed (${outcome.category}): ${outcome.error}` : outcome.error;
          await transitionRunRow(uow, runId, ['RUNNING'], 'FAILED', { ...base, finishedAt: now, failureCategory: outcome.category, error });
          uow.emit({
            kind: 'RUN_FAILED',
            workflowId,
            runId,
            stepId: outcome.stepId || null,
            message: error,
            costUsd: run.costMicros / 1e6,
            data: { category: outcome.category },
          });
          break;
        }
        case 'CANCELLED':
          await closeOpenSteps(uow, steps, 'CANCELLED', now, workflowId);
          await transitionRunRow(uow, runId, ['RUNNING'], 'CANCELLED', { ...base, finishedAt: now, failureCategory: 'CANCELLED', error: 'Cancelled by user.' });
          uow.emit({ kind: 'RUN_CANCELLED', workflowId, runId, message: `Run ${run.runNumber} was cancelled.` });
          break;
        case 'PAUSED':
          await transitionRunRow(uow, runId, ['RUNNING'], 'PAUSED', { ...base, resumeAt: outcome.resumeAt });
          uow.emit({
            kind: 'RUN_PAUSED',
            workflowId,
            runId,
            stepId: outcome.stepId,
            message:
              outcome.resumeAt === null
                ? `Paused: step "${steps.find((s) => s.stepId === outcome.stepId)?.name ?? outcome.stepId}" reached a cap; resume it with a higher cap to go on.`
                : `Paused until ${new Date(outcome.resumeAt).toISOString()}.`,
            data: { resumeAt: outcome.resumeAt },
          });
          break;
        case 'WAITING_APPROVAL':
          await transitionRunRow(uow, runId, ['RUNNING'], 'WAITING_APPROVAL', base);
          uow.emit({
            kind: 'RUN_PAUSED',
            workflowId,
            runId,
            stepId: outcome.stepId,
            message: waiting === 'tool-calls' ? 'Waiting for the approval of tool calls.' : 'Waiting for a checkpoint decision.',
          });
          break;
      }
      const status = ({ COMPLETED: 'COMPLETED', FAILED: 'FAILED', CANCELLED: 'CANCELLED', PAUSED: 'PAUSED', WAITING_APPROVAL: 'WAITING_APPROVAL' } as const)[
        outcome.kind
      ];
      await mirrorRunOnWorkflow(uow, workflowId, runId, status, now);
      if (status === 'COMPLETED' || status === 'FAILED' || status === 'CANCELLED') {
        const workflow = await getWorkflow(uow, workflowId);
        await this.onFinished({
          sql: uow.sql,
          workflowId,
          runId,
          definition: workflow.definition,
          status,
          failureCategory: outcome.kind === 'FAILED' ? outcome.category : outcome.kind === 'CANCELLED' ? 'CANCELLED' : null,
          steps: await latestStepRows(uow, runId),
          durationMs: now - run.startedAt,
          now,
        });
      }
      return 'done';
    });
    // After commit, once: the instance that ended the run reports it.
    const reported = ended as { run: WorkflowRun; status: 'COMPLETED' | 'FAILED' | 'CANCELLED'; category: string | null } | null;
    if (reported) reportRunEnded(this.resources.telemetry, reported.run, reported.status, reported.category, now);
    return result;
  }
}

/**
 * Ends every step attempt that is still open when a run ends: PENDING / WAITING_APPROVAL /
 * DELAYED become `pendingTo`; RUNNING ones (and their tasks) become CANCELLED, or, given a
 * `failure` (the run failed, or its process died: CRASHED), FAILED with its error and category,
 * so nothing stays RUNNING and no failed step reads as cancelled.
 */
export async function closeOpenSteps(
  uow: UnitOfWork,
  steps: StepRun[],
  pendingTo: 'SKIPPED' | 'CANCELLED',
  now: number,
  workflowId: string,
  failure?: { error: string; category: string },
): Promise<void> {
  const runningCategory = failure?.category;
  for (const step of steps) {
    if (step.status === 'RUNNING') {
      const to = runningCategory ? 'FAILED' : 'CANCELLED';
      const error = failure?.error ?? 'Cancelled by user.';
      await transitionStepRow(uow.sql, step, to, { finishedAt: now, error, failureCategory: runningCategory ?? 'CANCELLED', currentTool: null }, now);
      if (step.taskId)
        await transitionTaskRow(uow.sql, step.taskId, 'RUNNING', to, { error, failureCategory: runningCategory ?? 'CANCELLED', finishedAt: now });
      uow.emit({
        kind: runningCategory ? 'STEP_FAILED' : 'STEP_CANCELLED',
        workflowId,
        runId: step.runId,
        stepId: step.stepId,
        taskId: step.taskId,
        message: `Step "${step.name}": ${error}`,
        step: toStepRunView({ ...step, error, failureCategory: runningCategory ?? 'CANCELLED' }),
        data: { category: runningCategory ?? 'CANCELLED' },
      });
    } else if (step.status === 'PENDING' || step.status === 'WAITING_APPROVAL' || step.status === 'DELAYED' || step.status === 'PAUSED') {
      if (step.status === 'WAITING_APPROVAL') await cancelWaitingToolCalls(uow, step, now, workflowId);
      const to = step.status === 'PENDING' ? pendingTo : 'CANCELLED';
      await transitionStepRow(uow.sql, step, to === 'SKIPPED' && step.status !== 'PENDING' ? 'CANCELLED' : to, {}, now);
    }
  }
}

/** What a run that parks for approval waits for: a checkpoint gate, a step's tool calls, or (all resolved meanwhile) nothing. */
async function whatWaits(uow: UnitOfWork, steps: StepRun[]): Promise<'checkpoint' | 'tool-calls' | 'nothing'> {
  let found: 'checkpoint' | 'tool-calls' | 'nothing' = 'nothing';
  for (const step of steps) {
    if (step.status !== 'WAITING_APPROVAL') continue;
    if (!step.taskId) return 'checkpoint'; // a gate before the step: it has not run
    if ((await waitingToolCallsOfStepRun(uow.sql, step.id)).length) found = 'tool-calls';
  }
  return found;
}

/** Calls a step waited on end with its run: CANCELLED, announced so approval inboxes drop them at once. */
async function cancelWaitingToolCalls(uow: UnitOfWork, step: StepRun, now: number, workflowId: string): Promise<void> {
  for (const call of await waitingToolCallsOfStepRun(uow.sql, step.id)) {
    const changes = { finishedAt: now, error: 'Its run ended before anyone decided.' };
    await transitionToolCallRow(uow.sql, call.id, 'WAITING_APPROVAL', 'CANCELLED', changes);
    uow.emit({
      kind: 'TOOL_APPROVAL_RESOLVED',
      workflowId,
      runId: step.runId,
      stepId: step.stepId,
      taskId: call.taskId,
      toolName: call.toolName,
      toolCall: toToolCallView({ ...call, ...changes, status: 'CANCELLED' }),
      message: `The call to ${call.toolName} was cancelled with its run.`,
    });
  }
}
