import { findRunStatus } from '../db/run-rows.js';
import { findToolCallRow, pinTools, transitionToolCallRow, waitingToolCallsOfStepRun } from '../db/tool-call-store.js';
import { inTransaction } from '../db/unit-of-work.js';
import { NotApplicableError, NotFoundError, StagentError, ErrorCode } from '../errors.js';
import type { EngineResources } from '../resources.js';
import { toToolCallView, type ToolCallView } from '../tools/tool-call-view.js';
import { claimResume } from './run-claims.js';
import { latestStepRows } from './run-store.js';

/** Longest comment a person may give with a decision, characters. */
export const MAX_DECISION_COMMENT = 2000;

/** A decision recorded, and the run to drive on when it was the step's last open call. */
export interface ToolCallDecision {
  toolCall: ToolCallView;
  resume: { runId: string; workflowId: string } | null;
}

/**
 * Records a person's decision on a call that waits for approval, in one transaction: the call
 * moves to RUNNING (approved; it runs when its step goes on) or DENIED (the model is told, with
 * the comment), TOOL_APPROVAL_RESOLVED is emitted, an approval pins the tool's current form
 * (a changed tool asks again only until someone approves it), and when no other call of the step
 * still waits, the run is claimed to go on. Calls of a run that is no longer waiting (cancelled)
 * cannot be decided.
 */
export async function decideToolCall(
  resources: EngineResources,
  id: string,
  approved: boolean,
  comment: string | null,
  /** The tool's fingerprint as its server describes it now, if it is an MCP tool that is listed. */
  currentFingerprint: (toolName: string) => string | null,
): Promise<ToolCallDecision> {
  if (comment !== null && comment.length > MAX_DECISION_COMMENT)
    throw new StagentError(ErrorCode.OUT_OF_RANGE, `A comment is at most ${MAX_DECISION_COMMENT} characters; this one has ${comment.length}.`, {
      field: ['comment'],
    });
  const call = await findToolCallRow(resources, id);
  if (!call) throw new NotFoundError('Tool call', id, ['id']);
  if (call.status !== 'WAITING_APPROVAL')
    throw new NotApplicableError(`The call to ${call.toolName} is ${call.status}, not waiting for approval; nothing to decide.`, ['id']);
  const now = resources.clock.now();
  const trimmed = comment?.trim() || null;
  const changes = approved
    ? { resolvedAt: now, comment: trimmed }
    : { resolvedAt: now, finishedAt: now, comment: trimmed, error: `Denied by a person${trimmed ? `: ${trimmed}` : '.'}` };
  const status = approved ? 'RUNNING' : 'DENIED';
  return inTransaction(resources, async (uow) => {
    await transitionToolCallRow(uow.sql, id, 'WAITING_APPROVAL', status, changes);
    const fingerprint = approved ? currentFingerprint(call.toolName) : null;
    if (fingerprint) await pinTools(uow.sql, [{ name: call.toolName, fingerprint }], now);
    const view = toToolCallView({ ...call, ...changes, status });
    let resume: ToolCallDecision['resume'] = null;
    if (call.runId && call.workflowId) {
      uow.emit({
        kind: 'TOOL_APPROVAL_RESOLVED',
        workflowId: call.workflowId,
        runId: call.runId,
        stepId: call.stepId,
        taskId: call.taskId,
        toolName: call.toolName,
        toolCall: view,
        message: `${approved ? 'Approved' : 'Denied'} the call to ${call.toolName}.${trimmed ? ` Comment: ${trimmed}` : ''}`,
      });
      const othersWaiting = call.stepRunId ? (await waitingToolCallsOfStepRun(uow.sql, call.stepRunId)).length > 0 : false;
      const run = await findRunStatus(uow, call.runId);
      if (!othersWaiting && run?.status === 'WAITING_APPROVAL') {
        const step = (await latestStepRows(uow, call.runId)).find((r) => r.id === call.stepRunId);
        await claimResume(
          uow,
          resources,
          call.runId,
          'WAITING_APPROVAL',
          `The tool calls of step "${step?.name ?? call.stepId}" were resolved; the run goes on.`,
        );
        resume = { runId: call.runId, workflowId: call.workflowId };
      }
    }
    return { toolCall: view, resume };
  });
}
