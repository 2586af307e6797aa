import type { ToolCallRow } from '../db/entities/tool-call.entity.js';
import { insertToolCallRows, transitionToolCallRow, updateToolCallRow } from '../db/tool-call-store.js';
import type { SqlExecutor } from '../db/sql-executor.js';
import { newId } from '../ids.js';
import type { ToolCallRequest, ToolOutcomeStatus } from '../runtimes/runtime.js';
import type { ToolCallStatus } from '../tools/tool-call-state.js';
import { toToolCallView, type ToolCallView } from '../tools/tool-call-view.js';
import type { ToolApproval } from '../tools/tool-grants.js';

/** Who a step attempt's tool calls belong to. */
export interface StepToolCallOwner {
  workflowId: string;
  runId: string;
  stepId: string;
  stepRunId: string;
  taskId: string;
}

/** A change to one call's row, with the call as it stands afterwards (for the event). */
export interface ToolCallWrite {
  view: ToolCallView;
  write(sql: SqlExecutor): Promise<void>;
}

/**
 * The stored ToolCall of every tool call of one step attempt's task: a row when a call starts
 * (or, for a call refused by its grant, when it is refused), its outcome when it ends. Calls that
 * waited for approval already have their row (from the step's stop); their row goes on.
 */
export class StepToolCalls {
  private readonly rows = new Map<string, ToolCallRow>();

  constructor(
    private readonly owner: StepToolCallOwner,
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
      conversationId: null,
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
