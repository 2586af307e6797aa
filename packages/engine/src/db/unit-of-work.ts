import type { EntityManager } from './orm-types.js';
import type { EngineResources } from '../resources.js';
import type { PendingEvent, WorkflowEvent } from '../events/workflow-event.js';
import { storeEvents } from './event-store.js';
import { executorInTransaction, sqlTransaction, type SqlExecutor } from './sql-executor.js';

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
