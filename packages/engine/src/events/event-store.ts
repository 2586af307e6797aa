import type { EntityManager } from '@mikro-orm/better-sqlite';
import { executorInTransaction, sqlTransaction, withSqlExecutor, type SqlExecutor } from '../db/sql-executor.js';
import { selectRows } from '../db/select-projection.js';
import { WorkflowEventSchema } from '../db/entities/workflow-event.entity.js';
import { WorkflowSchema } from '../db/entities/workflow.entity.js';
import { newId } from '../ids.js';
import { bumpCounter, columnsOf, insertRows } from '../db/direct-sql.js';
import type { EngineResources } from '../resources.js';
import type { WorkflowEventKind } from './event-kind.js';
import type { EventPayload, WorkflowEvent } from './workflow-event.js';

/** An event before it has a sequence number. */
export interface PendingEvent extends EventPayload {
  kind: WorkflowEventKind;
  workflowId: string;
  runId: string;
  stepId?: string | null;
  taskId?: string | null;
}

/**
 * A unit of plain-SQL work: the statements run through `sql` and the events queued with
 * {@link SqlUnitOfWork.emit} commit together; the events are published only after the commit
 * succeeded.
 */
export interface SqlUnitOfWork {
  sql: SqlExecutor;
  emit(event: PendingEvent): void;
}

/** A unit of work that also reads and writes through MikroORM (`em`, bound to the same transaction). */
export interface UnitOfWork extends SqlUnitOfWork {
  em: EntityManager;
}

/**
 * Runs `work` in one transaction, stores its events with per-workflow sequence numbers in the
 * same transaction, and publishes them after commit. A rolled-back transaction publishes nothing.
 */
export async function inTransaction<T>(resources: EngineResources, work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
  const queued: PendingEvent[] = [];
  let stored: WorkflowEvent[] = [];
  // A knex transaction with a forked EntityManager bound to it: the engine writes with native
  // statements, so MikroORM's unit-of-work flush at commit (what `em.transactional` adds) is not needed.
  const root = resources.orm.em.fork();
  const result = await root.getKnex().transaction(async (trx) => {
    const em = root.fork({ clear: true });
    em.setTransactionContext(trx);
    const sql = await executorInTransaction(resources.orm, trx);
    const value = await work({ em, sql, emit: (e) => queued.push(e) });
    stored = await storeEvents(sql, queued, resources.clock.now());
    return value;
  });
  for (const event of stored) resources.bus.publish(event);
  return result;
}

/**
 * {@link inTransaction} for work that needs only plain statements (a running step's writes):
 * no knex transaction and no EntityManager, about a tenth of the cost per transaction.
 */
export async function inSqlTransaction<T>(resources: EngineResources, work: (uow: SqlUnitOfWork) => Promise<T>): Promise<T> {
  const queued: PendingEvent[] = [];
  let stored: WorkflowEvent[] = [];
  const result = await sqlTransaction(resources.orm, async (sql) => {
    const value = await work({ sql, emit: (e) => queued.push(e) });
    stored = await storeEvents(sql, queued, resources.clock.now());
    return value;
  });
  for (const event of stored) resources.bus.publish(event);
  return result;
}

/** Allocates sequence numbers (one counter update per workflow) and inserts the event rows. */
async function storeEvents(sql: SqlExecutor, events: PendingEvent[], at: number): Promise<WorkflowEvent[]> {
  if (events.length === 0) return [];
  const byWorkflow = new Map<string, PendingEvent[]>();
  for (const e of events) {
    const list = byWorkflow.get(e.workflowId) ?? [];
    list.push(e);
    byWorkflow.set(e.workflowId, list);
  }
  const out: WorkflowEvent[] = [];
  const rows: Record<string, unknown>[] = [];
  for (const [workflowId, list] of byWorkflow) {
    const last = await bumpCounter(sql, WorkflowSchema, workflowId, 'eventSeq', list.length);
    if (last === undefined) continue; // workflow deleted: nothing to attach the events to
    let seq = last - list.length;
    for (const e of list) {
      seq += 1;
      const { kind, runId, stepId, taskId, ...payload } = e;
      out.push({ ...e, seq, at });
      rows.push({ id: newId(), workflowId, seq, runId, stepId: stepId ?? null, taskId: taskId ?? null, kind, at, payload });
    }
  }
  await insertRows(sql, WorkflowEventSchema, rows);
  return out;
}

/** Stored events of a workflow with `seq > afterSeq`, in order (optionally one run only). */
export async function listEvents(
  resources: EngineResources,
  workflowId: string,
  options: { afterSeq?: number; runId?: string; limit?: number } = {},
): Promise<WorkflowEvent[]> {
  // Plain SQL, not `em.find`: every subscription starts with this read (500 dashboards
  // reconnecting after a restart run it 500 times), and entity hydration was most of its cost.
  return withSqlExecutor(resources.orm, async (sql) => {
    const c = columnsOf(sql.metadata, WorkflowEventSchema);
    const params: unknown[] = [workflowId, options.afterSeq ?? 0];
    let tail = `where ${c.column('workflowId').name} = ? and ${c.column('seq').name} > ?`;
    if (options.runId) {
      tail += ` and ${c.column('runId').name} = ?`;
      params.push(options.runId);
    }
    tail += ` order by ${c.column('seq').name}`;
    if (options.limit !== undefined) {
      tail += ' limit ?';
      params.push(options.limit);
    }
    const rows = await selectRows(sql, WorkflowEventSchema, tail, params);
    return rows.map((r) => ({
      ...r.payload,
      seq: r.seq,
      at: r.at,
      kind: r.kind as WorkflowEventKind,
      workflowId: r.workflowId,
      runId: r.runId,
      stepId: r.stepId,
      taskId: r.taskId,
    }));
  });
}
