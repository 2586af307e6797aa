import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestEngine, threeStepSequence, type TestEngine } from '../testing/index.js';
import { inSqlTransaction } from './unit-of-work.js';
import { WorkflowSchema } from './entities/workflow.entity.js';
import { WorkflowRunSchema } from './entities/workflow-run.entity.js';
import { WorkflowEventSchema } from './entities/workflow-event.entity.js';
import { bumpCounter, incrementRow, insertRows, updateRows } from './direct-sql.js';
import { selectRows } from './select-projection.js';
import { sqlTransaction, withSqlExecutor, type SqlExecutor } from './sql-executor.js';
import type { WorkflowEvent } from '../events/workflow-event.js';
import { forDialect, testDialect } from './test-databases.js';

describe('plain-SQL transactions (sql-executor)', () => {
  let t: TestEngine;
  beforeEach(async () => {
    t = await createTestEngine();
  });
  afterEach(() => t.close());

  const workflow = () => t.engine.createWorkflow(threeStepSequence());
  /** Knex's pool under the ORM (tarn): its queue shows who waits for the one connection. */
  const connectionPool = () =>
    (
      t.engine.resources.orm.em.getKnex() as unknown as {
        client: { pool: { on(event: 'acquireRequest', listener: () => void): void; numPendingAcquires(): number } };
      }
    ).client.pool;
  /** Renames the workflow in a transaction that stays open (its connection held) until `release()`. */
  async function renameHeldOpen(id: string, name: string): Promise<{ release: () => void; transaction: Promise<void> }> {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const transaction = inSqlTransaction(t.engine.resources, async (uow) => {
      await updateRows(uow.sql, WorkflowSchema, { id }, { name });
      entered();
      await gate;
    });
    await inside;
    return { release, transaction };
  }
  const storedName = async (id: string) => (await t.engine.resources.orm.em.fork().findOneOrFail(WorkflowSchema, { id }, { disableIdentityMap: true })).name;

  it('commits the statements and the events together and publishes the events after commit', async () => {
    const wf = await workflow();
    const published: WorkflowEvent[] = [];
    t.engine.resources.bus.subscribe(wf.id, (e) => published.push(e));
    await inSqlTransaction(t.engine.resources, async (uow) => {
      expect(await updateRows(uow.sql, WorkflowSchema, { id: wf.id }, { name: 'Renamed' })).toBe(1);
      uow.emit({ kind: 'STEP_OUTPUT_DELTA', workflowId: wf.id, runId: 'r1', stepId: 's1', outputDelta: 'hello' });
      expect(published).toHaveLength(0);
    });
    expect(await storedName(wf.id)).toBe('Renamed');
    expect(published.map((e) => [e.kind, e.seq, e.outputDelta])).toEqual([['STEP_OUTPUT_DELTA', 1, 'hello']]);
    expect((await t.engine.listEvents(wf.id)).map((e) => e.seq)).toEqual([1]);
  });

  it('a null in the where of updateRows means the column is still null: it matches such a row, and not one with a value', async () => {
    const wf = await workflow();
    const { run } = await t.engine.executeWorkflow(wf.id);
    await t.engine.waitForRun(run.id); // finished: no owner
    const noteIfOwnedBy = (ownerId: string | null) =>
      inSqlTransaction(t.engine.resources, (uow) => updateRows(uow.sql, WorkflowRunSchema, { id: run.id, ownerId }, { error: `seen as ${ownerId}` }));
    expect(await noteIfOwnedBy('someone')).toBe(0);
    expect(await noteIfOwnedBy(null)).toBe(1);
    await inSqlTransaction(t.engine.resources, (uow) => updateRows(uow.sql, WorkflowRunSchema, { id: run.id }, { ownerId: 'someone' }));
    expect(await noteIfOwnedBy(null)).toBe(0);
    const row = await t.engine.resources.orm.em.fork().findOneOrFail(WorkflowRunSchema, { id: run.id }, { disableIdentityMap: true });
    expect(row.error).toBe('seen as null');
  });

  it('rolls back statements and events when the work throws, and the connection stays usable', async () => {
    const wf = await workflow();
    const published: WorkflowEvent[] = [];
    t.engine.resources.bus.subscribe(wf.id, (e) => published.push(e));
    await expect(
      inSqlTransaction(t.engine.resources, async (uow) => {
        await updateRows(uow.sql, WorkflowSchema, { id: wf.id }, { name: 'Lost' });
        uow.emit({ kind: 'STEP_OUTPUT_DELTA', workflowId: wf.id, runId: 'r1', stepId: 's1', outputDelta: 'lost' });
        throw new TypeError('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await storedName(wf.id)).toBe(wf.name);
    expect(published).toHaveLength(0);
    expect(await t.engine.listEvents(wf.id)).toHaveLength(0);
    // A failing statement (unique (workflow_id, seq)) rolls back the same way.
    await expect(
      sqlTransaction(t.engine.resources.orm, async (sql) => {
        await updateRows(sql, WorkflowSchema, { id: wf.id }, { name: 'Also lost' });
        const row = { id: 'e1', workflowId: wf.id, seq: 7, runId: 'r', stepId: null, taskId: null, kind: 'USAGE', at: 1, payload: {} };
        await insertRows(sql, WorkflowEventSchema, [row, { ...row, id: 'e2' }]);
      }),
    ).rejects.toThrow(testDialect() === 'postgres' ? /duplicate key value violates unique constraint "workflow_events_workflow_id_seq_unique"/ : /UNIQUE/);
    expect(await storedName(wf.id)).toBe(wf.name);
    await inSqlTransaction(t.engine.resources, (uow) => updateRows(uow.sql, WorkflowSchema, { id: wf.id }, { name: 'Kept' }).then(() => undefined));
    expect(await storedName(wf.id)).toBe('Kept');
  });

  // SQLite: one connection, which the transaction holds. PostgreSQL has a pool of them; see the next test.
  forDialect('sqlite', () => {
    it('holds the connection: an ORM read issued meanwhile waits and then sees the committed state', async () => {
      const wf = await workflow();
      const { release, transaction } = await renameHeldOpen(wf.id, 'After commit');
      // The pool has one connection and the transaction holds it: the read's request for it queues.
      const pool = connectionPool();
      const requested = new Promise<void>((resolve) => pool.on('acquireRequest', resolve));
      let readDone = false;
      const read = storedName(wf.id).then((name) => ((readDone = true), name));
      await requested;
      expect(pool.numPendingAcquires()).toBe(1);
      expect(readDone).toBe(false);
      release();
      await transaction;
      expect(await read).toBe('After commit');
    });
  });

  forDialect('postgres', () => {
    it('on PostgreSQL an ORM read issued meanwhile runs on another connection: it sees the state before the commit, and after it the committed one', async () => {
      const wf = await workflow();
      const { release, transaction } = await renameHeldOpen(wf.id, 'After commit');
      // The read does not wait for the transaction (no pending acquire once it has its own connection) and never sees its write.
      expect(await storedName(wf.id)).toBe(wf.name);
      expect(connectionPool().numPendingAcquires()).toBe(0);
      release();
      await transaction;
      expect(await storedName(wf.id)).toBe('After commit');
    });
  });

  it('stores more events than one insert statement takes, with contiguous seq', async () => {
    const wf = await workflow();
    await inSqlTransaction(t.engine.resources, async (uow) => {
      for (let i = 0; i < 250; i++) uow.emit({ kind: 'STEP_OUTPUT_DELTA', workflowId: wf.id, runId: 'r1', stepId: 's1', outputDelta: `${i}` });
    });
    const events = await t.engine.listEvents(wf.id);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(events.at(-1)?.outputDelta).toBe('249');
  });

  // The suite runs on each dialect (STAGENT_TEST_DATABASE): same helpers, same results.
  for (const kind of [testDialect()]) {
    it(`runs the statement helpers with the same results on the ${kind} executor`, async () => {
      const wf = await workflow();
      const { run } = await t.engine.executeWorkflow(wf.id);
      await t.engine.waitForRun(run.id);
      const orm = t.engine.resources.orm;
      const within = <T>(work: (sql: SqlExecutor) => Promise<T>) => sqlTransaction(orm, work);
      const read = <T>(schema: Parameters<typeof selectRows<T>>[1], tail: string, params: unknown[]) =>
        withSqlExecutor(orm, (sql) => selectRows<T>(sql, schema, tail, params));
      const before = (await read(WorkflowRunSchema, 'where id = ?', [run.id]))[0]!;
      const wfBefore = (await read(WorkflowSchema, 'where id = ?', [wf.id]))[0]!;
      const seqBefore = wfBefore.eventSeq;
      const results = await within(async (sql) => ({
        updated: await updateRows(sql, WorkflowSchema, { id: wf.id }, { name: `Renamed on ${kind}`, definition: { ...wfBefore.definition, name: 'json' } }),
        missing: await updateRows(sql, WorkflowSchema, { id: 'no-such-id' }, { name: 'x' }),
        seq: await bumpCounter(sql, WorkflowSchema, wf.id, 'eventSeq', 5),
        noSeq: await bumpCounter(sql, WorkflowSchema, 'no-such-id', 'eventSeq', 1),
        incremented: await incrementRow(sql, WorkflowRunSchema, run.id, { inputTokens: 7, costMicros: 1000 }, { pricingKnown: false }),
        inserted: await insertRows(sql, WorkflowEventSchema, [
          {
            id: `e-${kind}`,
            workflowId: wf.id,
            seq: 1000,
            runId: run.id,
            stepId: null,
            taskId: null,
            kind: 'USAGE',
            at: 5,
            payload: { message: 'it\'s "quoted"', data: { n: 1 } },
          },
        ]),
      }));
      expect(results).toMatchObject({ updated: 1, missing: 0, seq: seqBefore + 5, noSeq: undefined });
      const [after] = await read(WorkflowRunSchema, 'where id = ?', [run.id]);
      expect(after).toMatchObject({ inputTokens: before.inputTokens + 7, costMicros: before.costMicros + 1000, pricingKnown: false });
      const [stored] = await read(WorkflowSchema, 'where id = ?', [wf.id]);
      expect(stored).toMatchObject({ name: `Renamed on ${kind}`, definition: { name: 'json' } });
      expect(stored!.eventSeq).toBe(seqBefore + 5);
      const [event] = await read(WorkflowEventSchema, 'where id = ?', [`e-${kind}`]);
      expect(event?.payload).toEqual({ message: 'it\'s "quoted"', data: { n: 1 } });
    });
  }

  it('reports its statements to the onQuery hook like ORM statements', async () => {
    const seen: string[] = [];
    const logged = await createTestEngine({ onQuery: (sql) => seen.push(sql) });
    try {
      const wf = await logged.engine.createWorkflow(threeStepSequence());
      seen.length = 0;
      await inSqlTransaction(logged.engine.resources, async (uow) => {
        await updateRows(uow.sql, WorkflowSchema, { id: wf.id }, { name: 'Logged' });
      });
      expect(seen.join('\n')).toMatch(/begin[\s\S]*update workflows set name = \?[\s\S]*commit/);
    } finally {
      await logged.close();
    }
  });
});
