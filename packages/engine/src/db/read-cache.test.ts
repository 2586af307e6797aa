import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestEngine, threeStepSequence, type TestEngine } from '../testing/index.js';
import { WorkflowSchema } from './entities/workflow.entity.js';
import { updateRows } from './direct-sql.js';
import { sqlTransaction, withSqlExecutor } from './sql-executor.js';
import { testDialect } from './test-databases.js';

/** Statements the engine sent since the last call (from `onQuery`), without MikroORM's colours and timings. */
function statementLog() {
  const lines: string[] = [];
  return {
    onQuery: (line: string) => lines.push(line.replace(/\u001b\[[0-9;]*m/g, '').replace(/ \[took .*\]$/, '')),
    take: () => lines.splice(0),
  };
}

/** SQLite's change counters or PostgreSQL's snapshot: the cache's one statement on a hit. */
const isVersionCheck = (line: string) => line.includes('pragma_data_version') || line.includes('pg_current_snapshot');

describe('list reads kept while the database is unchanged (read-cache)', () => {
  const open: TestEngine[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const t of open.splice(0)) await t.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  async function engine(options: Parameters<typeof createTestEngine>[0] = {}) {
    const t = await createTestEngine(options);
    open.push(t);
    return t;
  }

  it('answers a repeated list with one version check and the same frozen views', async () => {
    const log = statementLog();
    const t = await engine({ onQuery: log.onQuery });
    const wf = await t.engine.createWorkflow(threeStepSequence());
    await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    log.take();

    const page = await t.engine.listWorkflows({ first: 10 });
    const runs = await t.engine.listRunsForWorkflows([wf.id], 5, { stepsOfLatest: 1, summaries: true });
    expect(log.take().filter((l) => !isVersionCheck(l)).length).toBeGreaterThanOrEqual(4);

    // On PostgreSQL the version is the server's snapshot, which other databases of the server
    // (other test files run in parallel) move too: a miss then reads again, so ask until a pair
    // of lists lands between two of their writes.
    let again = page;
    let runsAgain = runs;
    let statements: string[] = [];
    for (let attempt = 0; attempt < (testDialect() === 'postgres' ? 50 : 1); attempt++) {
      again = await t.engine.listWorkflows({ first: 10 });
      runsAgain = await t.engine.listRunsForWorkflows([wf.id], 5, { stepsOfLatest: 1, summaries: true });
      statements = log.take();
      if (statements.every(isVersionCheck)) break;
    }
    expect(statements).toHaveLength(2);
    expect(statements.every(isVersionCheck)).toBe(true);
    expect(again).toBe(page);
    expect(runsAgain.get(wf.id)).toBe(runs.get(wf.id));
    expect(runsAgain.get(wf.id)![0]!.steps.map((s) => s.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);

    // Shared views are frozen all the way down: a caller that changes one throws instead of
    // changing what the next reader sees.
    expect(() => {
      (page.nodes[0] as { name: string }).name = 'Changed';
    }).toThrow(TypeError);
    expect(() => {
      (page.nodes[0]!.steps[0] as { prompt: string }).prompt = 'Changed';
    }).toThrow(TypeError);
    expect(() => (runs.get(wf.id) as unknown[]).push(null)).toThrow(TypeError);

    // Other arguments are other entries.
    await t.engine.listWorkflows({ first: 5 });
    expect(log.take().filter((l) => !isVersionCheck(l)).length).toBeGreaterThan(0);
  });

  it('reads again after any write of this engine, through the ORM or plain SQL', async () => {
    const t = await engine();
    const wf = await t.engine.createWorkflow(threeStepSequence());
    expect((await t.engine.listWorkflows()).nodes.map((w) => w.name)).toEqual(['Three steps']);

    await t.engine.updateWorkflow(wf.id, { ...threeStepSequence(), name: 'Renamed through the ORM' });
    expect((await t.engine.listWorkflows()).nodes.map((w) => w.name)).toEqual(['Renamed through the ORM']);

    await sqlTransaction(t.engine.resources.orm, (sql) => updateRows(sql, WorkflowSchema, { id: wf.id }, { name: 'Renamed in plain SQL' }));
    expect((await t.engine.listWorkflows()).nodes.map((w) => w.name)).toEqual(['Renamed in plain SQL']);

    const before = (await t.engine.listRunsForWorkflows([wf.id])).get(wf.id);
    expect(before).toEqual([]);
    await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    expect((await t.engine.listRunsForWorkflows([wf.id])).get(wf.id)!.map((r) => r.status)).toEqual(['COMPLETED']);

    await t.engine.deleteWorkflow(wf.id);
    expect((await t.engine.listWorkflows()).totalCount).toBe(0);
  });

  it('reads again after a commit of another process on the same database (SQLite data_version, PostgreSQL snapshot)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagent-read-cache-'));
    dirs.push(dir);
    const server = await engine({ dataDir: dir });
    const cli = await engine({ dataDir: dir });
    await server.engine.createWorkflow(threeStepSequence({ names: ['One'] }));
    expect((await server.engine.listWorkflows()).totalCount).toBe(1);

    // The second engine has its own connection: its writes are not counted by the first one's
    // total_changes(), only by the first one's data_version.
    const other = await cli.engine.createWorkflow({ ...threeStepSequence(), name: 'Written by the CLI' });
    const page = await server.engine.listWorkflows();
    expect(page.totalCount).toBe(2);
    expect(page.nodes.map((w) => w.id)).toContain(other.id);
  });

  it('does not keep what a rolled-back transaction showed, and has no version inside a transaction', async () => {
    const t = await engine();
    const wf = await t.engine.createWorkflow(threeStepSequence());
    await expect(
      sqlTransaction(t.engine.resources.orm, async (sql) => {
        await updateRows(sql, WorkflowSchema, { id: wf.id }, { name: 'Rolled back' });
        // Inside the transaction there is no version: nothing read here can be kept.
        expect(await sql.dataVersion()).toBeNull();
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect((await t.engine.listWorkflows()).nodes.map((w) => w.name)).toEqual(['Three steps']);
    const version = await withSqlExecutor(t.engine.resources.orm, async (sql) => sql.dataVersion());
    // Between transactions there is one: SQLite's counters, PostgreSQL's snapshot.
    expect(version).toMatch(testDialect() === 'postgres' ? /^\d+:\d+:[\d,]*$/ : /^\d+:\d+:\d+$/);
  });

  it('a list asked for while another caller holds an open transaction never shows its uncommitted writes', async () => {
    const t = await engine();
    const wf = await t.engine.createWorkflow(threeStepSequence());
    expect((await t.engine.listWorkflows()).nodes[0]!.name).toBe('Three steps');
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let written!: () => void;
    const wrote = new Promise<void>((resolve) => (written = resolve));
    const transaction = sqlTransaction(t.engine.resources.orm, async (sql) => {
      await updateRows(sql, WorkflowSchema, { id: wf.id }, { name: 'Uncommitted' });
      written();
      await held;
      throw new Error('roll back');
    });
    await wrote;
    const listed = t.engine.listWorkflows();
    release();
    await expect(transaction).rejects.toThrow('roll back');
    expect((await listed).nodes[0]!.name).toBe('Three steps');
    expect((await t.engine.listWorkflows()).nodes[0]!.name).toBe('Three steps');
  });

  it('does not keep runs whose running steps show an elapsed time taken from the clock', async () => {
    const t = await engine({ simulatedLatencyMs: 10 });
    t.engine.simulated.script({ match: 'Slow.', script: { latencyMs: 1_000, chunks: 5 } });
    const wf = await t.engine.createWorkflow({
      name: 'Slow',
      pattern: 'SEQUENCE',
      runtimeId: 'simulated',
      steps: [{ id: 'a', name: 'Slow step', prompt: 'Slow.' }],
    });
    // STEP_STARTED is published once the RUNNING step row is committed.
    const stepStarted = new Promise<void>((resolve) => {
      const stop = t.engine.resources.bus.subscribe(wf.id, (event) => {
        if (event.kind !== 'STEP_STARTED') return;
        stop();
        resolve();
      });
    });
    const { run } = await t.engine.executeWorkflow(wf.id);
    const runningStep = async () => (await t.engine.listRunsForWorkflows([wf.id])).get(wf.id)![0]!.steps.find((s) => s.status === 'RUNNING');
    await stepStarted;
    const first = (await runningStep())!;
    expect(first).toMatchObject({ stepId: 'a', status: 'RUNNING' });
    expect(first.durationMs).toBeNull();
    await t.clock.advance(700);
    const later = (await runningStep())!;
    expect(later.elapsedMs).toBeGreaterThanOrEqual(first.elapsedMs! + 700);
    for (let i = 0; i < 200 && (await t.engine.getRun(run.id))!.status === 'RUNNING'; i++) await t.clock.advance(1_000);
    await t.engine.waitForRun(run.id);
  });

  it('reads SQLite every time when turned off (Engine.open({ readCache: false }))', async () => {
    const log = statementLog();
    const t = await engine({ onQuery: log.onQuery, readCache: false });
    await t.engine.createWorkflow(threeStepSequence());
    log.take();
    await t.engine.listWorkflows();
    const first = log.take();
    await t.engine.listWorkflows();
    expect(log.take()).toEqual(first);
    expect(first.some(isVersionCheck)).toBe(false);
  });
});
