import type { StepRun, FailureEvidence } from '../db/entities/step-run.entity.js';
import { WorkflowRunSchema } from '../db/entities/workflow-run.entity.js';
import { incrementRow } from '../db/direct-sql.js';
import type { SqlUnitOfWork } from '../db/unit-of-work.js';
import type { EngineResources } from '../resources.js';
import type { AgentTool } from '../runtimes/runtime.js';
import type { FailureCategory } from '../runtimes/failure-category.js';
import type { StartedTask, TaskEnd, TaskRunner } from '../tasks/task-runner.js';
import { LiveStepTracker } from './live-step-tracker.js';
import { stepTotals, toStepRunView, transitionStepRow } from './run-store.js';
import type { StepDefinition, WorkflowDefinition } from './definition.js';
import { formatDuration, formatUsd } from '../format/index.js';
import type { ToolCallRow } from '../db/entities/tool-call.entity.js';
import type { ToolDecision, TurnCheckpoint } from '../runtimes/runtime.js';
import type { ToolApproval, ToolGrant } from '../tools/tool-grants.js';
import { grantLayers, type EffectiveStep } from '../profiles/effective-step.js';
import type { GrantedTools } from '../tools/step-tools.js';
import { ToolCallRecorder } from '../tools/tool-call-recorder.js';
import { reportStepEnded, stepAttemptSpan } from './run-telemetry.js';
import { parkForApproval, pauseAtCap } from './step-parking.js';
import { StepJournal } from './step-journal.js';

/** How one step attempt ended. */
export type StepOutcome =
  | { status: 'COMPLETED'; output: string; reused: boolean; /** The agent called the finish tool (loops stop). */ signaledDone?: boolean }
  | { status: 'FAILED'; category: FailureCategory; error: string }
  | { status: 'CANCELLED' }
  /** A tool call of its last turn waits for a person; the run waits with it. */
  | { status: 'WAITING_APPROVAL' }
  /** A cap stopped it where it stands (budget.onCapReached = pause); resumeWorkflowStep goes on. */
  | { status: 'PAUSED' };

/** Everything needed to run one step attempt. */
export interface StepAttempt {
  workflowId: string;
  runId: string;
  definition: WorkflowDefinition;
  /** The step merged with its profile: its runtime, model and turn limit are the ones to use. */
  step: EffectiveStep;
  row: StepRun;
  systemPrompt: string;
  prompt: string;
  tools: AgentTool[];
  documentCount: number;
  estimatedDurationMs: number | null;
  signal: AbortSignal;
  /** What the grants say for each granted tool, by name (tools/tool-grants.ts). */
  approvals: ReadonlyMap<string, ToolApproval>;
  /** Go on from where the attempt stopped (tool approvals resolved, or resumed after a cap or a failure). */
  resume?: StepResume;
  /** The cap this attempt runs under when it was set by a resume, USD; else the resolved one. */
  capUsd?: number | null;
}

/** Where a step's MCP tools come from. */
export interface StepToolSource {
  /** The tools that grant lists give, read in order (the step's, its profile's, the workflow's). */
  granted(layers: readonly (readonly ToolGrant[] | undefined)[]): Promise<GrantedTools>;
}

/** Where a waiting step attempt stopped, and what people decided about its calls. */
export interface StepResume {
  checkpoint: TurnCheckpoint;
  decisions: Record<string, ToolDecision>;
  /** The stored calls of that turn, by the model's call id. */
  calls: ReadonlyMap<string, ToolCallRow>;
}

/**
 * Runs one step attempt as a task of the one {@link TaskRunner}: the step's runtime, model,
 * budget and turn limit (merged with its profile's by the caller) go into the task spec; the
 * step moves to RUNNING (with its task id and a STEP_STARTED event) in the transaction that
 * creates the task row, a {@link LiveStepTracker} keeps its live row and events, and its final
 * state and event commit with the task's end.
 */
export class StepRunner {
  constructor(
    private readonly resources: EngineResources,
    private readonly tasks: TaskRunner,
    /** The MCP tools a step's grants give it; none when the engine has no MCP servers. */
    private readonly mcpTools: StepToolSource = { granted: async () => ({ tools: [], approvals: new Map() }) },
  ) {}

  /** The MCP tools the grants of `step` (then its profile's, then its workflow's) give it, with each one's approval. */
  grantedTools(definition: WorkflowDefinition, step: EffectiveStep): Promise<GrantedTools> {
    return this.mcpTools.granted(grantLayers(step, definition));
  }

  /**
   * The runtime a step uses: step (merged with its profile's, `profiles/effective-step.ts`) >
   * workflow > setting `routing.defaultRuntime` > first available.
   */
  resolveRuntimeId(step: Pick<StepDefinition, 'runtimeId'>, definition: Pick<WorkflowDefinition, 'runtimeId'>): Promise<string> {
    return this.tasks.resolveRuntimeId([step.runtimeId, definition.runtimeId]);
  }

  /** The cost cap of a step attempt, USD (one resolver for every task). */
  resolveCap(step: Pick<StepDefinition, 'budgetUsd'>, definition: Pick<WorkflowDefinition, 'budgetUsd'>): Promise<number> {
    return this.tasks.resolveCap({ stepBudgetUsd: step.budgetUsd, workflowBudgetUsd: definition.budgetUsd, kind: 'workflow-step' });
  }

  /** Step attempts this process is running now (an instance's heartbeat reports it). */
  get running(): number {
    return this.active;
  }
  private active = 0;

  async run(a: StepAttempt): Promise<StepOutcome> {
    this.active++;
    try {
      return await this.attempt(a);
    } finally {
      this.active--;
    }
  }

  private async attempt(a: StepAttempt): Promise<StepOutcome> {
    const ids = { workflowId: a.workflowId, runId: a.runId };
    const span = stepAttemptSpan(this.resources.telemetry, a.runId);
    const startedAt = this.resources.clock.now();
    const end = await this.tasks.run<LiveStepTracker>({
      kind: 'STEP',
      owner: { ...ids, stepRunId: a.row.id, stepId: a.step.id, scheduleId: null },
      runtimePreferences: [a.step.runtimeId, a.definition.runtimeId],
      runtimeField: ['steps', a.step.id, 'runtimeId'],
      modelId: a.step.modelId,
      modelField: ['steps', a.step.id, 'modelId'],
      budget: { stepBudgetUsd: a.step.budgetUsd, workflowBudgetUsd: a.definition.budgetUsd, kind: 'workflow-step' },
      maxTurns: a.step.maxTurns,
      workingDirectory: a.step.workingDirectory ?? null,
      prompt: a.prompt,
      systemPrompt: () => a.systemPrompt,
      tools: a.tools,
      signal: a.signal,
      resume: a.resume ? { ...a.resume.checkpoint, decisions: a.resume.decisions } : undefined,
      capUsd: a.capUsd,
      trace: span ? { traceId: span.traceId, parentSpanId: span.spanId } : null,
      tracker: (task) =>
        new LiveStepTracker(
          this.resources,
          a.row,
          { ...ids, taskId: task.taskId, runtimeId: task.runtimeId },
          task.caps,
          new ToolCallRecorder({ ...ids, stepId: a.step.id, stepRunId: a.row.id, conversationId: null, taskId: task.taskId }, a.approvals, a.resume?.calls),
          a.resume?.checkpoint.turn ?? 0,
          new StepJournal(a.row.id, task.journalMaxBytes),
        ),
      onStart: (uow, task) => this.started(uow, a, task),
      onFinish: (uow, ended, tracker, now) => this.finished(uow, a, ended, tracker, now),
    });
    reportStepEnded(this.resources.telemetry, span, a, end, startedAt, this.resources.clock.now());
    if (end.status === 'COMPLETED') return { status: 'COMPLETED', output: end.output, reused: false };
    if (end.status === 'CANCELLED') return { status: 'CANCELLED' };
    if (end.status === 'WAITING_APPROVAL') return { status: 'WAITING_APPROVAL' };
    if (end.status === 'PAUSED') return { status: 'PAUSED' };
    return { status: 'FAILED', category: end.failure!.category, error: end.failure!.message };
  }

  /** The step moves to RUNNING with its task, runtime, model and cap, announced at once. */
  private async started(uow: SqlUnitOfWork, a: StepAttempt, task: StartedTask): Promise<void> {
    const { taskId, runtimeId, model, caps } = task;
    // A resumed attempt keeps its first start: its duration covers every part of it.
    const startedAt = a.resume ? (a.row.startedAt ?? task.startedAt) : task.startedAt;
    const changes = {
      taskId,
      runtimeId,
      modelId: model,
      budgetUsd: caps.costUsd,
      startedAt,
      // A resumed step (paused at a cap) is running again: the pause's text and figures no longer describe it.
      error: null,
      failureCategory: null,
      evidence: null,
      documentCount: a.documentCount,
      estimatedDurationMs: a.estimatedDurationMs,
    };
    await transitionStepRow(uow.sql, a.row, 'RUNNING', changes, task.startedAt);
    Object.assign(a.row, changes);
    uow.emit({
      kind: 'STEP_STARTED',
      workflowId: a.workflowId,
      runId: a.runId,
      stepId: a.step.id,
      taskId,
      message: a.resume
        ? `Step "${a.step.name}" goes on after turn ${a.resume.checkpoint.turn} on ${runtimeId} (${model}), cap ${formatUsd(caps.costUsd)}; ${
            Object.keys(a.resume.decisions).length ? 'its tool calls were resolved' : 'its earlier turns are reused, not called again'
          }.`
        : `Step "${a.step.name}" started on ${runtimeId} (${model}), cap ${formatUsd(caps.costUsd)}.`,
      step: toStepRunView(a.row),
    });
  }

  /** The step's final state with its final totals; calls whose live write failed are added to the run. */
  private async finished(uow: SqlUnitOfWork, a: StepAttempt, r: TaskEnd, tracker: LiveStepTracker | null, now: number): Promise<void> {
    const startedAt = a.row.startedAt ?? now;
    const lost = tracker?.unrecorded;
    if (lost && (lost.inputTokens || lost.outputTokens || lost.costMicros))
      await incrementRow(
        uow.sql,
        WorkflowRunSchema,
        a.runId,
        { inputTokens: lost.inputTokens, outputTokens: lost.outputTokens, costMicros: lost.costMicros },
        { updatedAt: now },
      );
    if (r.status === 'WAITING_APPROVAL') return parkForApproval(uow, a, r, now);
    if (r.status === 'PAUSED') return pauseAtCap(uow, a, r, now);
    const totals = stepTotals(a.row);
    const common = { ...totals, output: r.output || null, turns: r.turns, currentTool: null, finishedAt: now, durationMs: now - startedAt, updatedAt: now };
    const step =
      r.status === 'COMPLETED'
        ? { ...common, error: null, failureCategory: null }
        : { ...common, error: r.failure!.message, failureCategory: r.failure!.category, evidence: (r.evidence ?? null) as FailureEvidence | null };
    await transitionStepRow(uow.sql, a.row, r.status, step);
    Object.assign(a.row, step);
    const kind = r.status === 'COMPLETED' ? 'STEP_COMPLETED' : r.status === 'CANCELLED' ? 'STEP_CANCELLED' : 'STEP_FAILED';
    const message =
      r.status === 'COMPLETED'
        ? `Step "${a.step.name}" completed in ${formatDuration(now - startedAt)}, ${formatUsd(a.row.costMicros / 1e6)}.`
        : `Step "${a.step.name}" ${r.status === 'CANCELLED' ? 'was cancelled' : `failed (${r.failure!.category})`}: ${r.failure!.message}`;
    uow.emit({
      kind,
      workflowId: a.workflowId,
      runId: a.runId,
      stepId: a.step.id,
      taskId: r.taskId,
      message,
      costUsd: a.row.costMicros / 1e6,
      inputTokens: a.row.inputTokens,
      outputTokens: a.row.outputTokens,
      step: toStepRunView(a.row),
      data: r.failure ? { category: r.failure.category } : undefined,
    });
  }
}
