import { insertToolCallRows, updateStepJournal } from '../db/tool-call-store.js';
import type { SqlUnitOfWork } from '../db/unit-of-work.js';
import { waitingToolCallRows } from '../tools/tool-call-recorder.js';
import type { TaskEnd } from '../tasks/task-runner.js';
import { toToolCallView } from '../tools/tool-call-view.js';
import { stepTotals, toStepRunView, transitionStepRow } from './run-store.js';
import type { StepAttempt } from './step-runner.js';

/**
 * A step attempt whose last turn asked for tools that need a person: in one transaction, the turn
 * is journaled (conversation, output, the calls still to run), each waiting call is stored in
 * WAITING_APPROVAL with a TOOL_APPROVAL_REQUESTED event, and the step moves to WAITING_APPROVAL.
 * Nothing of the step stays in memory: no provider connection, no MCP call, so it survives a
 * restart, and `resolveToolCall` resumes it from this turn.
 */
export async function parkForApproval(uow: SqlUnitOfWork, a: StepAttempt, r: TaskEnd, now: number): Promise<void> {
  const parked = r.parked!;
  // The turn's entry was journaled with its usage; this keeps it exactly as the loop stopped.
  await updateStepJournal(uow.sql, a.row.id, parked.turn, { conversation: parked.conversation, output: parked.output, pendingCalls: parked.pendingCalls });
  const waiting = waitingToolCallRows(
    { workflowId: a.workflowId, runId: a.runId, stepId: a.step.id, stepRunId: a.row.id, conversationId: null, taskId: r.taskId },
    parked,
    now,
  );
  await insertToolCallRows(uow.sql, waiting);
  const changes = {
    ...stepTotals(a.row),
    output: r.output || null,
    turns: r.turns,
    currentTool: null,
    updatedAt: now,
  };
  await transitionStepRow(uow.sql, a.row, 'WAITING_APPROVAL', changes);
  Object.assign(a.row, changes);
  const ids = { workflowId: a.workflowId, runId: a.runId, stepId: a.step.id, taskId: r.taskId };
  const step = toStepRunView(a.row, now);
  for (const row of waiting)
    uow.emit({
      ...ids,
      kind: 'TOOL_APPROVAL_REQUESTED',
      toolName: row.toolName,
      toolCall: toToolCallView(row),
      message: `Step "${a.step.name}" asks to call ${row.toolName}; approve or deny it to go on.`,
      step,
    });
  const names = [...new Set(waiting.map((w) => w.toolName))].join(', ');
  uow.emit({
    ...ids,
    kind: 'STEP_WAITING_APPROVAL',
    message: `Step "${a.step.name}" waits for approval of ${waiting.length === 1 ? 'a tool call' : `${waiting.length} tool calls`} (${names}).`,
    step,
    data: { toolCallIds: waiting.map((w) => w.id) },
  });
}

/**
 * A step attempt that reached a cap with setting budget.onCapReached = pause: it stops PAUSED
 * after the turn that reached it, with its output, totals and the cap's evidence, and a
 * STEP_PAUSED event that says how to go on. Its journal (written with that turn's usage) keeps
 * the conversation and the turn's tool calls, which run first when it resumes.
 */
export async function pauseAtCap(uow: SqlUnitOfWork, a: StepAttempt, r: TaskEnd, now: number): Promise<void> {
  const failure = r.failure!;
  const changes = {
    ...stepTotals(a.row),
    output: r.output || null,
    turns: r.turns,
    currentTool: null,
    error: `Paused: ${failure.message}`,
    failureCategory: failure.category,
    evidence: r.evidence ?? null,
    updatedAt: now,
  };
  await transitionStepRow(uow.sql, a.row, 'PAUSED', changes);
  Object.assign(a.row, changes);
  const daily = r.evidence?.dailyCapUsd != null;
  uow.emit({
    kind: 'STEP_PAUSED',
    workflowId: a.workflowId,
    runId: a.runId,
    stepId: a.step.id,
    taskId: r.taskId,
    message: `Step "${a.step.name}" paused after turn ${r.turns}: ${failure.message} ${
      daily
        ? 'The daily cap resets at 00:00 UTC; resume it then, or raise budget.maxDailyCostUsd.'
        : 'Resume it with a higher cap to go on from there; no finished turn is paid again.'
    }`,
    costUsd: a.row.costMicros / 1e6,
    step: toStepRunView(a.row, now),
    data: { category: failure.category, turn: r.turns, ...(r.evidence ?? {}) },
  });
}
