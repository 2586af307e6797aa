import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { columnsOf, insertRows, transitionStatus, updateRows } from './direct-sql.js';
import { projection } from './select-projection.js';
import { McpToolPinSchema } from './entities/mcp-tool-pin.entity.js';
import { StepRunSchema } from './entities/step-run.entity.js';
import { WorkflowRunSchema } from './entities/workflow-run.entity.js';
import { StepJournalSchema, type StepJournalRow } from './entities/step-journal.entity.js';
import { ToolCallSchema, type ToolCallRow } from './entities/tool-call.entity.js';
import type { SqlExecutor } from './sql-executor.js';
import type { EngineResources } from '../resources.js';
import { ConflictError } from '../errors.js';
import { newId } from '../ids.js';
import { transitionToolCall, type ToolCallStatus } from '../tools/tool-call-state.js';

// Rows of tool calls, step journals (where a step's agent loop stopped) and MCP tool pins.
// The only writer of `tool_calls.status` is transitionToolCallRow below.

type Resources = Pick<EngineResources, 'orm'>;

/** Which calls to list; every filter given must match. */
export interface ToolCallFilter {
  workflowId?: string | null;
  runId?: string | null;
  stepRunId?: string | null;
  conversationId?: string | null;
  status?: ToolCallStatus | null;
}

/** Most calls one listing returns (newest first). */
export const MAX_LISTED_TOOL_CALLS = 500;

export function insertToolCallRows(sql: SqlExecutor, rows: ToolCallRow[]): Promise<void> {
  return insertRows(sql, ToolCallSchema, rows);
}

/** Moves a call from `from` to `to` (checked against the call's transition table); a call that moved meanwhile is a ConflictError. */
export async function transitionToolCallRow(
  sql: SqlExecutor,
  id: string,
  from: ToolCallStatus,
  to: ToolCallStatus,
  changes: Partial<ToolCallRow> = {},
): Promise<void> {
  const affected = await transitionStatus(sql, ToolCallSchema, transitionToolCall, { id }, from, to, changes);
  if (affected === 0) throw new ConflictError(`Tool call ${id} is no longer ${from}.`);
}

/** Output and error of a call as the model was given them (no status change). */
export async function updateToolCallRow(sql: SqlExecutor, id: string, changes: Partial<Omit<ToolCallRow, 'status'>>): Promise<void> {
  await updateRows(sql, ToolCallSchema, { id }, changes);
}

export function findToolCallRow(resources: Resources, id: string): Promise<ToolCallRow | null> {
  return resources.orm.em.fork().findOne(ToolCallSchema, { id }, { disableIdentityMap: true });
}

export function listToolCallRows(resources: Resources, filter: ToolCallFilter): Promise<ToolCallRow[]> {
  const where: Record<string, unknown> = {};
  for (const key of ['workflowId', 'runId', 'stepRunId', 'conversationId', 'status'] as const) if (filter[key]) where[key] = filter[key];
  return resources.orm.em
    .fork()
    .find(ToolCallSchema, where, { orderBy: { requestedAt: 'desc', id: 'desc' }, limit: MAX_LISTED_TOOL_CALLS, disableIdentityMap: true });
}

const TOOL_CALL_PROPERTIES = Object.keys(ToolCallSchema.meta.properties) as (keyof ToolCallRow & string)[];

/** Calls of a step attempt still waiting for approval, read in the caller's transaction (a run that ends closes them). */
export function waitingToolCallsOfStepRun(sql: SqlExecutor, stepRunId: string): Promise<ToolCallRow[]> {
  return waitingToolCallsWhere(sql, 'stepRunId', stepRunId);
}

/** Calls of one task (an assistant answer's) still waiting for approval, read in the caller's transaction. */
export function waitingToolCallsOfTask(sql: SqlExecutor, taskId: string): Promise<ToolCallRow[]> {
  return waitingToolCallsWhere(sql, 'taskId', taskId);
}

async function waitingToolCallsWhere(sql: SqlExecutor, owner: 'stepRunId' | 'taskId', id: string): Promise<ToolCallRow[]> {
  const calls = projection(sql, ToolCallSchema, TOOL_CALL_PROPERTIES);
  const c = columnsOf(sql.metadata, ToolCallSchema);
  const rows = await sql.all(`select ${calls.list} from ${c.table} where ${c.column(owner).name} = ? and ${c.column('status').name} = ?`, [
    id,
    'WAITING_APPROVAL',
  ]);
  return rows.map((r) => calls.map(r) as ToolCallRow);
}

/** Stores where a step attempt's loop stopped; false when that turn was written already (a second executor). */
export async function insertStepJournal(sql: SqlExecutor, row: StepJournalRow): Promise<boolean> {
  try {
    await insertRows(sql, StepJournalSchema, [row]);
    return true;
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException || /unique|duplicate/i.test(String((error as Error).message))) return false;
    throw error;
  }
}

/** Brings a journal entry up to date (its turn's tools ran); an entry that is missing is inserted. */
export async function updateStepJournal(
  sql: SqlExecutor,
  stepRunId: string,
  turn: number,
  changes: Pick<StepJournalRow, 'conversation' | 'output' | 'pendingCalls'>,
): Promise<void> {
  const changed = await updateRows(sql, StepJournalSchema, { stepRunId, turn }, changes);
  if (changed === 0) await insertRows(sql, StepJournalSchema, [{ id: newId(), createdAt: Date.now(), stepRunId, turn, ...changes }]);
}

/** The latest journal entry of a step attempt, if it has one. */
export function latestStepJournal(resources: Resources, stepRunId: string): Promise<StepJournalRow | null> {
  return resources.orm.em.fork().findOne(StepJournalSchema, { stepRunId }, { orderBy: { turn: 'desc' }, disableIdentityMap: true });
}

/** The latest journaled turn of a step attempt (0: none), read in the caller's transaction. */
export async function latestJournalTurn(sql: SqlExecutor, stepRunId: string): Promise<number> {
  const journals = columnsOf(sql.metadata, StepJournalSchema);
  const row = await sql.get(`select max(${journals.column('turn').name}) as turn from ${journals.table} where ${journals.column('stepRunId').name} = ?`, [
    stepRunId,
  ]);
  return Number(row?.turn ?? 0);
}

/** Calls of one step attempt's turn, by the model's call id. */
export async function toolCallsOfTurn(resources: Resources, stepRunId: string, turn: number): Promise<Map<string, ToolCallRow>> {
  const rows = await resources.orm.em.fork().find(ToolCallSchema, { stepRunId, turn }, { disableIdentityMap: true });
  return new Map(rows.map((r) => [r.providerCallId, r]));
}

/** Accepted fingerprints of MCP tools, by qualified name. */
export async function toolPins(resources: Resources, names: readonly string[]): Promise<Map<string, string>> {
  if (names.length === 0) return new Map();
  const rows = await resources.orm.em.fork().find(McpToolPinSchema, { id: { $in: [...names] } }, { disableIdentityMap: true });
  return new Map(rows.map((r) => [r.id, r.fingerprint]));
}

/** Records `fingerprint` as the accepted form of each tool, replacing what was accepted before. */
export async function pinTools(sql: SqlExecutor, pins: { name: string; fingerprint: string }[], now: number): Promise<void> {
  for (const pin of pins) {
    const changed = await updateRows(sql, McpToolPinSchema, { id: pin.name }, { fingerprint: pin.fingerprint, pinnedAt: now });
    if (changed === 0) await insertRows(sql, McpToolPinSchema, [{ id: pin.name, fingerprint: pin.fingerprint, pinnedAt: now }], { ignoreDuplicates: true });
  }
}

/**
 * Deletes the turn journals of runs that finished (COMPLETED, FAILED, CANCELLED) before
 * `finishedBefore` (epoch ms); paused and waiting runs keep theirs. Returns how many entries went.
 */
export async function pruneStepJournals(sql: SqlExecutor, finishedBefore: number): Promise<number> {
  const journals = columnsOf(sql.metadata, StepJournalSchema);
  const steps = columnsOf(sql.metadata, StepRunSchema);
  const runs = columnsOf(sql.metadata, WorkflowRunSchema);
  return sql.run(
    `delete from ${journals.table} where ${journals.column('stepRunId').name} in (select s.id from ${steps.table} s join ${runs.table} r on r.id = s.${steps.column('runId').name} where r.${runs.column('status').name} in (?, ?, ?) and r.${runs.column('finishedAt').name} < ?)`,
    ['COMPLETED', 'FAILED', 'CANCELLED', finishedBefore],
  );
}
