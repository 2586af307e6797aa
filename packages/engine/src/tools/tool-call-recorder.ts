import type { ToolCallRow } from '../db/entities/tool-call.entity.js';
import { insertToolCallRows, transitionToolCallRow, updateToolCallRow } from '../db/tool-call-store.js';
import type { SqlExecutor } from '../db/sql-executor.js';
import { newId } from '../ids.js';
import type { ToolCallRequest, ToolOutcomeStatus, TurnCheckpoint } from '../runtimes/runtime.js';
import type { ToolCallStatus } from './tool-call-state.js';
import { toToolCallView, type ToolCallView } from './tool-call-view.js';
import type { ToolApproval } from './tool-grants.js';

/** Who a task's tool calls belong to: a workflow step attempt (workflow, run and step ids) or an assistant conversation. */
export interface ToolCallOwner {
  workflowId: string | null;
  runId: string | null;
  stepId: string | null;
  stepRunId: string | null;
  conversationId: string | null;
  taskId: string | null;
}

/** A change to one call's row, with the call as it stands afterwards (for the event). */
export interface ToolCallWrite {
  view: ToolCallView;
  write(sql: SqlExecutor): Promise<void>;
}

/**
 * The stored ToolCall of every tool call of one task (a step attempt's or an assistant answer's):
 * a row when a call starts (or, for a call refused by its grant, when it is refused), its outcome
 * when it ends. Calls that waited for approval already have their row (from the task's stop);
 * their row goes on.
 */
export class ToolCallRecorder {
  private readonly rows = new Map<string, ToolCallRow>();

  constructor(
    private readonly owner: ToolCallOwner,
    /** What the grants say for each tool name (tools not listed are built-in: AUTO). */
    private readonly approvals: ReadonlyMap<string, ToolApproval>,
    /** Rows of the resumed turn's calls, by the model's call id. */
    existing: ReadonlyMap<string, ToolCallRow> = new Map(),
  ) {
    for (const [id, row] of existing) this.rows.set(id, { ...row });
  }

  /** The call starts running now. */
  started(call: ToolCallRequest, turn: number, now: number): ToolCallWrite {
    const existing = this.rows.get(call.id);
    if (existing?.status === 'RUNNING') {
      // Approved while the step waited: its row goes on from RUNNING with its start time.
      existing.startedAt = now;
      const snapshot = { ...existing };
      return { view: toToolCallView(snapshot), write: (sql) => updateToolCallRow(sql, snapshot.id, { startedAt: now }) };
    }
    // The write runs later (queued); the row as of now is what it inserts, whatever finishes meanwhile.
    const row = { ...this.newRow(call, turn, now, 'RUNNING', { startedAt: now }) };
    return { view: toToolCallView(row), write: (sql) => insertToolCallRows(sql, [row]) };
  }

  /** The call ended: what the model was given back goes on the row (output, or error for a failure). */
  finished(call: ToolCallRequest, turn: number, result: string, status: ToolOutcomeStatus, now: number): ToolCallWrite {
    const row = this.rows.get(call.id);
    const outcome = status === 'SUCCEEDED' ? { output: result, error: null } : { output: null, error: result };
    if (row?.status === 'DENIED') return { view: toToolCallView(row), write: async () => {} }; // a person denied it; the row says so already
    if (!row) {
      // Refused by its grant (DENY): it never started, so its row is written now, already final.
      const denied = { ...this.newRow(call, turn, now, 'DENIED', { ...outcome, finishedAt: now, resolvedAt: now }) };
      return { view: toToolCallView(denied), write: (sql) => insertToolCallRows(sql, [denied]) };
    }
    const from = row.status as ToolCallStatus;
    Object.assign(row, outcome, { status, finishedAt: now });
    const snapshot = { ...row };
    return { view: toToolCallView(snapshot), write: (sql) => transitionToolCallRow(sql, snapshot.id, from, status, { ...outcome, finishedAt: now }) };
  }

  private newRow(call: ToolCallRequest, turn: number, now: number, status: ToolCallStatus, changes: Partial<ToolCallRow>): ToolCallRow {
    const row: ToolCallRow = {
      id: newId(),
      createdAt: now,
      ...this.owner,
      providerCallId: call.id,
      turn,
      toolName: call.name,
      input: call.input,
      approval: this.approvals.get(call.name) ?? 'AUTO',
      status,
      output: null,
      error: null,
      comment: null,
      requestedAt: now,
      resolvedAt: null,
      startedAt: null,
      finishedAt: null,
      ...changes,
    };
    this.rows.set(call.id, row);
    return row;
  }
}

/**
 * The rows of a turn's calls that wait for a person (`parked.waitingFor`), in WAITING_APPROVAL:
 * what a step or an assistant answer stores when it stops to wait, so the wait survives a restart.
 */
export function waitingToolCallRows(owner: ToolCallOwner, parked: TurnCheckpoint & { waitingFor: string[] }, now: number): ToolCallRow[] {
  return parked.pendingCalls
    .filter((call) => parked.waitingFor.includes(call.id))
    .map((call) => ({
      id: newId(),
      createdAt: now,
      ...owner,
      providerCallId: call.id,
      turn: parked.turn,
      toolName: call.name,
      input: call.input,
      approval: 'ASK',
      status: 'WAITING_APPROVAL',
      output: null,
      error: null,
      comment: null,
      requestedAt: now,
      resolvedAt: null,
      startedAt: null,
      finishedAt: null,
    }));
}
