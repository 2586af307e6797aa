import { WorkflowEventSchema } from './entities/workflow-event.entity.js';
import { WorkflowSchema } from './entities/workflow.entity.js';
import { bumpCounter, columnsOf, insertRows } from './direct-sql.js';
import { selectRows } from './select-projection.js';
import { withSqlExecutor, type SqlExecutor } from './sql-executor.js';
import { newId } from '../ids.js';
import type { EngineResources } from '../resources.js';
import type { WorkflowEventKind } from '../events/event-kind.js';
import type { PendingEvent, WorkflowEvent } from '../events/workflow-event.js';

/**
 * Allocates sequence numbers and inserts the event rows. Each workflow's numbers come from one
 * `update … set event_seq = event_seq + n … returning` ({@link bumpCounter}): the row stays locked
 * until the transaction ends, so concurrent transactions get consecutive, disjoint ranges (on
 * PostgreSQL the second waits for the first to commit or roll back). Counters are bumped in
 * workflow id order, so two transactions emitting for the same workflows lock them in one order
 * and never deadlock. Events keep the order they were emitted in.
 */
export async function storeEvents(sql: SqlExecutor, events: PendingEvent[], at: number): Promise<WorkflowEvent[]> {
  if (events.length === 0) return [];
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.workflowId, (counts.get(e.workflowId) ?? 0) + 1);
  const nextSeq = new Map<string, number>();
  for (const workflowId of [...counts.keys()].sort()) {
    const n = counts.get(workflowId)!;
    const last = await bumpCounter(sql, WorkflowSchema, workflowId, 'eventSeq', n);
    if (last !== undefined) nextSeq.set(workflowId, last - n + 1); // else deleted: nothing to attach its events to
  }
  const out: WorkflowEvent[] = [];
  const rows: Record<string, unknown>[] = [];
  for (const e of events) {
    const seq = nextSeq.get(e.workflowId);
    if (seq === undefined) continue;
    nextSeq.set(e.workflowId, seq + 1);
    const { kind, runId, stepId, taskId, ...payload } = e;
    out.push({ ...e, seq, at });
    rows.push({ id: newId(), workflowId: e.workflowId, seq, runId, stepId: stepId ?? null, taskId: taskId ?? null, kind, at, payload });
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
