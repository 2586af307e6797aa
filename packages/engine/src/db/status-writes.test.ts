import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestEngine, threeStepSequence, type TestEngine } from '../testing/index.js';
import { inSqlTransaction, inTransaction } from './unit-of-work.js';
import { DirectStatusWriteError, IllegalTransitionError } from '../errors.js';
import { transitionWorkflowRow } from '../workflows/run-store.js';
import { WorkflowSchema } from './entities/workflow.entity.js';
import { incrementRow, transitionStatus, updateRows } from './direct-sql.js';
import { sqlTransaction } from './sql-executor.js';
import { transitionWorkflow } from '../workflows/workflow-state.js';

/**
 * Status columns change only through the transition functions, which check the transition
 * tables: every other write path refuses a `status` column before anything is written.
 */
describe('status writes outside the transition functions', () => {
  let t: TestEngine;
  beforeEach(async () => {
    t = await createTestEngine();
  });
  afterEach(() => t.close());

  const draft = () => t.engine.createWorkflow(threeStepSequence());
  const stored = async (id: string) => t.engine.resources.orm.em.fork().findOneOrFail(WorkflowSchema, { id }, { disableIdentityMap: true });

  it('a plain-SQL update or increment that sets status is refused, and the row keeps its status', async () => {
    const wf = await draft();
    const write = inSqlTransaction(t.engine.resources, (uow) => updateRows(uow.sql, WorkflowSchema, { id: wf.id }, { status: 'COMPLETED', updatedAt: 1 }));
    await expect(write).rejects.toThrow(DirectStatusWriteError);
    const increment = inSqlTransaction(t.engine.resources, (uow) => incrementRow(uow.sql, WorkflowSchema, wf.id, { runNumber: 1 }, { status: 'ACTIVE' }));
    await expect(increment).rejects.toThrow(DirectStatusWriteError);
    expect(await stored(wf.id)).toMatchObject({ status: 'DRAFT', runNumber: 0 });
  });

  it('an update through MikroORM that sets status is refused, whichever API builds it', async () => {
    const wf = await draft();
    const em = t.engine.resources.orm.em.fork();
    await expect(em.nativeUpdate(WorkflowSchema, { id: wf.id }, { status: 'COMPLETED' })).rejects.toThrow(
      /workflows\.status is written only through its transition function/,
    );
    await expect(em.createQueryBuilder(WorkflowSchema).update({ status: 'FAILED', name: 'Renamed' }).where({ id: wf.id }).execute()).rejects.toThrow(
      DirectStatusWriteError,
    );
    expect(await stored(wf.id)).toMatchObject({ status: 'DRAFT', name: wf.name });
  });

  it('updates of other columns, and reads that filter on status, still run', async () => {
    const wf = await draft();
    const em = t.engine.resources.orm.em.fork();
    expect(await em.nativeUpdate(WorkflowSchema, { id: wf.id, status: 'DRAFT' }, { name: 'Renamed' })).toBe(1);
    expect(await em.count(WorkflowSchema, { status: 'DRAFT' })).toBe(1);
  });

  it('the transition function checks the table: an illegal move throws and writes nothing', async () => {
    const wf = await draft();
    const move = inTransaction(t.engine.resources, (uow) => transitionWorkflowRow(uow, wf.id, 'COMPLETED', { version: 0 }));
    await expect(move).rejects.toThrow(IllegalTransitionError);
    expect((await stored(wf.id)).status).toBe('DRAFT');
    expect(await inTransaction(t.engine.resources, (uow) => transitionWorkflowRow(uow, wf.id, 'ACTIVE', { version: 0 }))).toBe(true);
    expect((await stored(wf.id)).status).toBe('ACTIVE');
  });

  it("on the dialect's raw executor (the hot path), only the transition function may set status", async () => {
    const wf = await draft();
    const orm = t.engine.resources.orm;
    const direct = sqlTransaction(orm, (sql) => sql.run('update workflows set status = ? where id = ?', ['COMPLETED', wf.id]));
    await expect(direct).rejects.toThrow(DirectStatusWriteError);
    expect((await stored(wf.id)).status).toBe('DRAFT');
    const moved = await sqlTransaction(orm, (sql) => transitionStatus(sql, WorkflowSchema, transitionWorkflow, { id: wf.id }, 'DRAFT', 'ACTIVE'));
    expect(moved).toBe(1);
    expect((await stored(wf.id)).status).toBe('ACTIVE');
  });
});
