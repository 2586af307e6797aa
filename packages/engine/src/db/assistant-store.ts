import { AssistantConversationSchema, type AssistantConversationRow } from './entities/assistant-conversation.entity.js';
import { AssistantEventSchema, type AssistantEventRow } from './entities/assistant-event.entity.js';
import { AssistantMessageSchema, type AssistantMessageRow } from './entities/assistant-message.entity.js';
import { ToolCallSchema, type ToolCallRow } from './entities/tool-call.entity.js';
import { bumpCounter, columnsOf, incrementRow, insertRows, parameterList, transitionStatus, updateRows } from './direct-sql.js';
import { selectRows } from './select-projection.js';
import { withSqlExecutor, type SqlExecutor } from './sql-executor.js';
import type { EngineResources } from '../resources.js';
import { ConflictError } from '../errors.js';
import { transitionAssistantMessage, type AssistantMessageStatus } from '../assistant/assistant-message-state.js';

// Rows of the assistant: conversations, their messages and their events. The only writer of
// `assistant_messages.status` is transitionAssistantMessageRow below.

type Resources = Pick<EngineResources, 'orm'>;

/** An event before it has its `seq` (see {@link storeAssistantEvents}). */
export type PendingAssistantEvent = Omit<AssistantEventRow, 'id' | 'seq' | 'at'>;

export async function insertConversationRow(sql: SqlExecutor, row: AssistantConversationRow): Promise<void> {
  await insertRows(sql, AssistantConversationSchema, [row]);
}

export async function insertMessageRows(sql: SqlExecutor, rows: AssistantMessageRow[]): Promise<void> {
  await insertRows(sql, AssistantMessageSchema, rows);
}

/** Moves a message from `from` to `to`; a message that moved meanwhile is a ConflictError (someone else goes on with it). */
export async function transitionAssistantMessageRow(
  sql: SqlExecutor,
  id: string,
  from: AssistantMessageStatus,
  to: AssistantMessageStatus,
  changes: Partial<AssistantMessageRow> = {},
): Promise<void> {
  const affected = await transitionStatus(sql, AssistantMessageSchema, transitionAssistantMessage, { id }, from, to, changes);
  if (affected === 0) throw new ConflictError(`Assistant message ${id} is no longer ${from}.`);
}

/** Content and figures of a message (no status change). */
export async function updateMessageRow(sql: SqlExecutor, id: string, changes: Partial<Omit<AssistantMessageRow, 'status'>>): Promise<void> {
  await updateRows(sql, AssistantMessageSchema, { id }, changes);
}

/** Adds an answer's cost to its conversation and marks it updated. */
export async function addConversationSpend(sql: SqlExecutor, id: string, costMicros: number, now: number): Promise<void> {
  await incrementRow(sql, AssistantConversationSchema, id, { costMicros }, { updatedAt: now });
}

export async function touchConversation(
  sql: SqlExecutor,
  id: string,
  changes: Partial<Pick<AssistantConversationRow, 'updatedAt' | 'runtimeId' | 'modelId'>>,
): Promise<void> {
  await updateRows(sql, AssistantConversationSchema, { id }, changes);
}

/**
 * Gives events their per-conversation `seq` (one `update … returning` on the conversation's
 * counter: the row stays locked until the transaction ends, so concurrent writers get disjoint
 * ranges) and stores them. Events of a deleted conversation are dropped.
 */
export async function storeAssistantEvents(sql: SqlExecutor, events: PendingAssistantEvent[], at: number, newId: () => string): Promise<AssistantEventRow[]> {
  const byConversation = new Map<string, PendingAssistantEvent[]>();
  for (const e of events) byConversation.set(e.conversationId, [...(byConversation.get(e.conversationId) ?? []), e]);
  const stored: AssistantEventRow[] = [];
  for (const conversationId of [...byConversation.keys()].sort()) {
    const pending = byConversation.get(conversationId)!;
    const last = await bumpCounter(sql, AssistantConversationSchema, conversationId, 'eventSeq', pending.length);
    if (last === undefined) continue;
    pending.forEach((e, i) => stored.push({ ...e, id: newId(), seq: last - pending.length + 1 + i, at }));
  }
  await insertRows(sql, AssistantEventSchema, stored);
  return stored;
}

/** Stored events of a conversation with `seq > afterSeq`, in order, at most `limit`. */
export function listAssistantEventRows(resources: Resources, conversationId: string, afterSeq: number, limit: number): Promise<AssistantEventRow[]> {
  return withSqlExecutor(resources.orm, (sql) => {
    const c = columnsOf(sql.metadata, AssistantEventSchema);
    return selectRows(
      sql,
      AssistantEventSchema,
      `where ${c.column('conversationId').name} = ? and ${c.column('seq').name} > ? order by ${c.column('seq').name} limit ${Math.floor(limit)}`,
      [conversationId, afterSeq],
    );
  });
}

/** Conversations, most recently updated first (at most `limit`). */
export function listConversationRows(resources: Resources, limit: number): Promise<AssistantConversationRow[]> {
  return withSqlExecutor(resources.orm, (sql) => {
    const c = columnsOf(sql.metadata, AssistantConversationSchema);
    return selectRows(sql, AssistantConversationSchema, `order by ${c.column('updatedAt').name} desc, ${c.column('id').name} desc limit ${Math.floor(limit)}`);
  });
}

export async function findConversationRow(resources: Resources, id: string): Promise<AssistantConversationRow | null> {
  return withSqlExecutor(resources.orm, async (sql) => (await conversationRowIn(sql, id)) ?? null);
}

/** A conversation read in the caller's transaction. */
export async function conversationRowIn(sql: SqlExecutor, id: string): Promise<AssistantConversationRow | undefined> {
  const c = columnsOf(sql.metadata, AssistantConversationSchema);
  return (await selectRows(sql, AssistantConversationSchema, `where ${c.column('id').name} = ?`, [id]))[0];
}

/** A message read in the caller's transaction. */
export async function messageRowIn(sql: SqlExecutor, id: string): Promise<AssistantMessageRow | undefined> {
  const c = columnsOf(sql.metadata, AssistantMessageSchema);
  return (await selectRows(sql, AssistantMessageSchema, `where ${c.column('id').name} = ?`, [id]))[0];
}

/** A conversation's last assistant message, read in the caller's transaction. */
export async function lastAnswerRowIn(sql: SqlExecutor, conversationId: string): Promise<AssistantMessageRow | undefined> {
  const c = columnsOf(sql.metadata, AssistantMessageSchema);
  const rows = await selectRows(
    sql,
    AssistantMessageSchema,
    `where ${c.column('conversationId').name} = ? and ${c.column('role').name} = ? order by ${c.column('createdAt').name} desc, ${c.column('id').name} desc limit 1`,
    [conversationId, 'assistant'],
  );
  return rows[0];
}

export function findMessageRow(resources: Resources, id: string): Promise<AssistantMessageRow | undefined> {
  return withSqlExecutor(resources.orm, (sql) => messageRowIn(sql, id));
}

/** The messages of these conversations, oldest first. */
export function messageRowsOf(resources: Resources, conversationIds: readonly string[]): Promise<AssistantMessageRow[]> {
  if (conversationIds.length === 0) return Promise.resolve([]);
  return withSqlExecutor(resources.orm, (sql) => {
    const c = columnsOf(sql.metadata, AssistantMessageSchema);
    return selectRows(
      sql,
      AssistantMessageSchema,
      `where ${c.column('conversationId').name} in (${parameterList(conversationIds.length)}) order by ${c.column('createdAt').name}, ${c.column('id').name}`,
      [...conversationIds],
    );
  });
}

/** The tool calls of these conversations, in the order they were asked for. */
export function toolCallRowsOfConversations(resources: Resources, conversationIds: readonly string[]): Promise<ToolCallRow[]> {
  if (conversationIds.length === 0) return Promise.resolve([]);
  return withSqlExecutor(resources.orm, (sql) => {
    const c = columnsOf(sql.metadata, ToolCallSchema);
    return selectRows(
      sql,
      ToolCallSchema,
      `where ${c.column('conversationId').name} in (${parameterList(conversationIds.length)}) order by ${c.column('requestedAt').name}, ${c.column('turn').name}, ${c.column('id').name}`,
      [...conversationIds],
    );
  });
}

/** Messages still STREAMING (answers whose process died mid-answer, when read at start-up). */
export function streamingMessageRows(resources: Resources): Promise<AssistantMessageRow[]> {
  return withSqlExecutor(resources.orm, (sql) => {
    const c = columnsOf(sql.metadata, AssistantMessageSchema);
    return selectRows(sql, AssistantMessageSchema, `where ${c.column('status').name} = ?`, ['STREAMING']);
  });
}

/** Deletes a conversation with its messages, events and tool calls; false when it did not exist. The ledger keeps its spend. */
export async function deleteConversationRows(sql: SqlExecutor, id: string): Promise<boolean> {
  const calls = columnsOf(sql.metadata, ToolCallSchema);
  const events = columnsOf(sql.metadata, AssistantEventSchema);
  const messages = columnsOf(sql.metadata, AssistantMessageSchema);
  const conversations = columnsOf(sql.metadata, AssistantConversationSchema);
  await sql.run(`delete from ${calls.table} where ${calls.column('conversationId').name} = ?`, [id]);
  await sql.run(`delete from ${events.table} where ${events.column('conversationId').name} = ?`, [id]);
  await sql.run(`delete from ${messages.table} where ${messages.column('conversationId').name} = ?`, [id]);
  return (await sql.run(`delete from ${conversations.table} where ${conversations.column('id').name} = ?`, [id])) > 0;
}
