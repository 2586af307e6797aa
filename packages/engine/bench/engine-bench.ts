/**
 * Engine benchmark (not a test): a 200-step sequence on the simulator with zero latency, and an
 * event-store throughput phase, each against a floor measured in the same run with raw
 * better-sqlite3 statements writing the same rows. Prints figures and merges them into
 * bench/results.json at the repository root.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Engine, silentLogger } from '@stagent/engine';
import { inSqlTransaction, inTransaction } from '../src/db/unit-of-work.js';
import { newId } from '../src/ids.js';
import { mergeResults } from './results-file.js';

const STEPS = 200;
const EVENT_BATCHES = 400;
const EVENTS_PER_BATCH = 50;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function engineRun(dataDir: string) {
  const engine = await Engine.open({ dataDir, logger: silentLogger, timers: false });
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

const dir = mkdtempSync(join(tmpdir(), 'stagent-bench-'));
try {
  const floor = rawFloor(dir);
  const engine = await engineRun(dir);
  const results = {
    'engine.steps': STEPS,
    'engine.stepOverheadMs': round(engine.medianStepMs),
    'engine.floorStepMs': round(floor.medianStepMs),
    'engine.floorRatio': round(engine.medianStepMs / floor.medianStepMs),
    'engine.runEventsPerSecond': round((engine.events * 1000) / engine.runMs),
    'engine.eventsPerSecond': round(engine.storeEventsPerSecond),
    'engine.eventsPerSecondOrmTransaction': round(engine.ormEventsPerSecond),
    'engine.floorEventsPerSecond': round(floor.storeEventsPerSecond),
    'engine.eventsFloorRatio': round(engine.storeEventsPerSecond / floor.storeEventsPerSecond),
    'engine.eventsDelivered': engine.delivered + engine.received,
  };
  console.log(
    `engine: ${STEPS}-step sequence, median overhead ${results['engine.stepOverheadMs']} ms/step (raw floor ${results['engine.floorStepMs']} ms, ratio ${results['engine.floorRatio']})`,
  );
  console.log(
    `engine: ${engine.events} events in the run (${results['engine.runEventsPerSecond']}/s); event store ${results['engine.eventsPerSecond']} events/s persisted and delivered (raw floor ${results['engine.floorEventsPerSecond']}/s, ratio ${results['engine.eventsFloorRatio']}; in ORM transactions ${results['engine.eventsPerSecondOrmTransaction']}/s)`,
  );
  mergeResults(results);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
