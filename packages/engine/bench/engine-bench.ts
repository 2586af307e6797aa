/**
 * Engine benchmark (not a test): a 200-step sequence on the simulator with zero latency, and an
 * event-store throughput phase, each against a floor measured in the same run with raw driver
 * statements writing the same rows: on SQLite (better-sqlite3), then on PostgreSQL (node-postgres,
 * named prepared statements on one connection) in a database the bench creates and drops. Without
 * a PostgreSQL server (`STAGENT_BENCH_POSTGRES_URL`, default the local one) it prints one line and
 * skips the PostgreSQL figures. Prints figures and merges them into bench/results.json at the
 * repository root.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Engine, silentLogger } from '@stagent/engine';
import { inSqlTransaction, inTransaction } from '../src/db/unit-of-work.js';
import { newId } from '../src/ids.js';
import { mergeResults } from '../src/testing/bench-results.js';

const STEPS = 200;
const EVENT_BATCHES = 400;
const EVENTS_PER_BATCH = 50;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function engineRun(dataDir: string, databaseUrl?: string) {
  const engine = await Engine.open({ dataDir, databaseUrl, logger: silentLogger, timers: false });
  await engine.start();
  const wf = await engine.createWorkflow({
    name: 'bench',
    pattern: 'SEQUENCE',
    runtimeId: 'simulated',
    steps: Array.from({ length: STEPS }, (_, i) => ({ id: `s${i}`, name: `Step ${i}`, prompt: `Step ${i}: do a small thing.` })),
  });
  engine.simulated.script({ match: () => true, script: { turns: [{ text: 'ok', inputTokens: 50, outputTokens: 5 }], chunks: 1 } });
  const completedAt: number[] = [];
  let delivered = 0;
  engine.resources.bus.subscribe(wf.id, (e) => {
    delivered += 1;
    if (e.kind === 'STEP_COMPLETED') completedAt.push(performance.now());
  });
  const started = performance.now();
  const { run } = await engine.executeWorkflow(wf.id);
  const done = await engine.waitForRun(run.id);
  const elapsed = performance.now() - started;
  if (done.status !== 'COMPLETED') throw new Error(`bench run ended ${done.status}`);
  const perStep = completedAt.slice(1).map((t, i) => t - completedAt[i]!);
  const events = (await engine.listEvents(wf.id)).length;

  // Event store throughput: batches of events in one transaction each, delivered to a subscriber;
  // through the plain-SQL transaction a running step's events take, then through the ORM one
  // (claims, run transitions) for comparison.
  let received = 0;
  engine.resources.bus.subscribe(wf.id, () => (received += 1));
  const eventsPerSecond = async (transaction: typeof inSqlTransaction) => {
    const t0 = performance.now();
    for (let b = 0; b < EVENT_BATCHES; b++) {
      await transaction(engine.resources, async (uow) => {
        for (let i = 0; i < EVENTS_PER_BATCH; i++)
          uow.emit({ kind: 'STEP_OUTPUT_DELTA', workflowId: wf.id, runId: run.id, stepId: 's0', outputDelta: 'token ' });
      });
    }
    return (EVENT_BATCHES * EVENTS_PER_BATCH * 1000) / (performance.now() - t0);
  };
  const storeEventsPerSecond = await eventsPerSecond(inSqlTransaction);
  const ormEventsPerSecond = await eventsPerSecond(inTransaction);
  await engine.close();
  return { medianStepMs: median(perStep), runMs: elapsed, events, delivered, storeEventsPerSecond, ormEventsPerSecond, received };
}

/** The same rows a step writes (task, step updates, ledger, events), with raw prepared statements. */
function rawFloor(dataDir: string) {
  const db = new Database(join(dataDir, 'floor.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`create table tasks (id text primary key, status text, prompt text, output text, cost integer);
    create table steps (id text primary key, status text, task_id text, output text, cost integer);
    create table ledger (id text primary key, task_id text, cost integer, created_at integer);
    create table events (id text primary key, workflow_id text, seq integer, kind text, payload text, unique(workflow_id, seq));
    create table wf (id text primary key, seq integer);
    insert into wf values ('w', 0);`);
  const insTask = db.prepare('insert into tasks values (?, ?, ?, null, 0)');
  const insStep = db.prepare("insert into steps values (?, 'PENDING', null, null, 0)");
  const updStep = db.prepare('update steps set status = ?, task_id = ?, output = ?, cost = ? where id = ?');
  const updTask = db.prepare('update tasks set status = ?, output = ?, cost = ? where id = ?');
  const insLedger = db.prepare('insert into ledger values (?, ?, ?, ?)');
  const bump = db.prepare('update wf set seq = seq + 1 where id = ? returning seq');
  const insEvent = db.prepare('insert into events values (?, ?, ?, ?, ?)');
  const event = (kind: string) => insEvent.run(newId(), 'w', (bump.get('w') as { seq: number }).seq, kind, JSON.stringify({ kind }));
  const perStep: number[] = [];
  for (let i = 0; i < STEPS; i++) insStep.run(`s${i}`);
  for (let i = 0; i < STEPS; i++) {
    const t = performance.now();
    const task = newId();
    db.transaction(() => {
      insTask.run(task, 'RUNNING', 'prompt');
      updStep.run('RUNNING', task, null, 0, `s${i}`);
      event('STEP_STARTED');
    })();
    db.transaction(() => {
      updStep.run('RUNNING', task, 'ok', 0, `s${i}`);
      event('STEP_OUTPUT_DELTA');
    })();
    db.transaction(() => {
      insLedger.run(newId(), task, 325, Date.now());
      updTask.run('RUNNING', null, 325, task);
      updStep.run('RUNNING', task, null, 325, `s${i}`);
      event('USAGE');
    })();
    db.transaction(() => {
      updTask.run('COMPLETED', 'ok', 325, task);
      updStep.run('COMPLETED', task, 'ok', 325, `s${i}`);
      event('STEP_COMPLETED');
    })();
    perStep.push(performance.now() - t);
  }
  const t0 = performance.now();
  for (let b = 0; b < EVENT_BATCHES; b++)
    db.transaction(() => {
      for (let i = 0; i < EVENTS_PER_BATCH; i++) event('STEP_OUTPUT_DELTA');
    })();
  const storeMs = performance.now() - t0;
  db.close();
  return { medianStepMs: median(perStep), storeEventsPerSecond: (EVENT_BATCHES * EVENTS_PER_BATCH * 1000) / storeMs };
}

/** The PostgreSQL floor: the same statements as `rawFloor`, as named prepared statements on one node-postgres connection. */
async function rawPgFloor(databaseUrl: string) {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    // The engine's durability on PostgreSQL: its plain-statement transactions commit without
    // waiting for the WAL flush (see `PG_HOT_PATH_BEGIN`), as SQLite's WAL with synchronous = NORMAL.
    await db.query('set synchronous_commit = off');
    await db.query(`create table floor_tasks (id text primary key, status text, prompt text, output text, cost bigint);
      create table floor_steps (id text primary key, status text, task_id text, output text, cost bigint);
      create table floor_ledger (id text primary key, task_id text, cost bigint, created_at bigint);
      create table floor_events (id text primary key, workflow_id text, seq bigint, kind text, payload text, unique(workflow_id, seq));
      create table floor_wf (id text primary key, seq bigint);
      insert into floor_wf values ('w', 0);`);
    const statement = (name: string, text: string) => (values: unknown[]) => db.query({ name, text, values });
    const insTask = statement('ins_task', 'insert into floor_tasks values ($1, $2, $3, null, 0)');
    const insStep = statement('ins_step', "insert into floor_steps values ($1, 'PENDING', null, null, 0)");
    const updStep = statement('upd_step', 'update floor_steps set status = $1, task_id = $2, output = $3, cost = $4 where id = $5');
    const updTask = statement('upd_task', 'update floor_tasks set status = $1, output = $2, cost = $3 where id = $4');
    const insLedger = statement('ins_ledger', 'insert into floor_ledger values ($1, $2, $3, $4)');
    const bump = statement('bump', 'update floor_wf set seq = seq + 1 where id = $1 returning seq');
    const insEvent = statement('ins_event', 'insert into floor_events values ($1, $2, $3, $4, $5)');
    const event = async (kind: string) => {
      const seq = Number((await bump(['w'])).rows[0].seq);
      await insEvent([newId(), 'w', seq, kind, JSON.stringify({ kind })]);
    };
    const transaction = async (work: () => Promise<void>) => {
      await db.query('begin');
      await work();
      await db.query('commit');
    };
    const perStep: number[] = [];
    for (let i = 0; i < STEPS; i++) await insStep([`s${i}`]);
    for (let i = 0; i < STEPS; i++) {
      const t = performance.now();
      const task = newId();
      await transaction(async () => {
        await insTask([task, 'RUNNING', 'prompt']);
        await updStep(['RUNNING', task, null, 0, `s${i}`]);
        await event('STEP_STARTED');
      });
      await transaction(async () => {
        await updStep(['RUNNING', task, 'ok', 0, `s${i}`]);
        await event('STEP_OUTPUT_DELTA');
      });
      await transaction(async () => {
        await insLedger([newId(), task, 325, Date.now()]);
        await updTask(['RUNNING', null, 325, task]);
        await updStep(['RUNNING', task, null, 325, `s${i}`]);
        await event('USAGE');
      });
      await transaction(async () => {
        await updTask(['COMPLETED', 'ok', 325, task]);
        await updStep(['COMPLETED', task, 'ok', 325, `s${i}`]);
        await event('STEP_COMPLETED');
      });
      perStep.push(performance.now() - t);
    }
    const t0 = performance.now();
    for (let b = 0; b < EVENT_BATCHES; b++)
      await transaction(async () => {
        for (let i = 0; i < EVENTS_PER_BATCH; i++) await event('STEP_OUTPUT_DELTA');
      });
    const storeMs = performance.now() - t0;
    return { medianStepMs: median(perStep), storeEventsPerSecond: (EVENT_BATCHES * EVENTS_PER_BATCH * 1000) / storeMs };
  } finally {
    await db.end();
  }
}

/** The figures of one dialect under `prefix` (`engine.` for SQLite, `engine.pg.` for PostgreSQL), printed and returned. */
function figures(prefix: string, label: string, engine: Awaited<ReturnType<typeof engineRun>>, floor: { medianStepMs: number; storeEventsPerSecond: number }) {
  const results = {
    [`${prefix}steps`]: STEPS,
    [`${prefix}stepOverheadMs`]: round(engine.medianStepMs),
    [`${prefix}floorStepMs`]: round(floor.medianStepMs),
    [`${prefix}floorRatio`]: round(engine.medianStepMs / floor.medianStepMs),
    [`${prefix}runEventsPerSecond`]: round((engine.events * 1000) / engine.runMs),
    [`${prefix}eventsPerSecond`]: round(engine.storeEventsPerSecond),
    [`${prefix}eventsPerSecondOrmTransaction`]: round(engine.ormEventsPerSecond),
    [`${prefix}floorEventsPerSecond`]: round(floor.storeEventsPerSecond),
    [`${prefix}eventsFloorRatio`]: round(engine.storeEventsPerSecond / floor.storeEventsPerSecond),
    [`${prefix}eventsDelivered`]: engine.delivered + engine.received,
  };
  console.log(
    `${label}: ${STEPS}-step sequence, median overhead ${results[`${prefix}stepOverheadMs`]} ms/step (raw floor ${results[`${prefix}floorStepMs`]} ms, ratio ${results[`${prefix}floorRatio`]})`,
  );
  console.log(
    `${label}: ${engine.events} events in the run (${results[`${prefix}runEventsPerSecond`]}/s); event store ${results[`${prefix}eventsPerSecond`]} events/s persisted and delivered (raw floor ${results[`${prefix}floorEventsPerSecond`]}/s, ratio ${results[`${prefix}eventsFloorRatio`]}; in ORM transactions ${results[`${prefix}eventsPerSecondOrmTransaction`]}/s)`,
  );
  return results;
}

const POSTGRES_URL = process.env.STAGENT_BENCH_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** Runs `work` on a PostgreSQL database of its own (created here, dropped after), or returns the reason there is none. */
async function withBenchPostgres<T>(work: (databaseUrl: string) => Promise<T>): Promise<T | string> {
  const admin = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    await admin.end().catch(() => undefined);
    return (error as Error).message || String((error as { code?: string }).code);
  }
  const name = `stagent_bench_${process.pid}`;
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${name}`;
    return await work(url.toString());
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`).catch(() => undefined);
    await admin.end();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'stagent-bench-'));
try {
  const floor = rawFloor(dir);
  const engine = await engineRun(dir);
  const results = figures('engine.', 'engine', engine, floor);
  const pgResults = await withBenchPostgres(async (databaseUrl) => {
    const pgFloor = await rawPgFloor(databaseUrl);
    const pgEngine = await engineRun(join(dir, 'pg'), databaseUrl);
    return figures('engine.pg.', 'engine on PostgreSQL', pgEngine, pgFloor);
  });
  if (typeof pgResults === 'string') console.log(`engine on PostgreSQL: skipped, no server at ${POSTGRES_URL.replace(/:[^:@/]*@/, ':***@')} (${pgResults})`);
  mergeResults(typeof pgResults === 'string' ? results : { ...results, ...pgResults });
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
