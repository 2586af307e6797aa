/**
 * Concurrent writers on one database (issue #19, point 5). On PostgreSQL several engines (as
 * several processes would) share one database through one data directory and write the same rows
 * at once: event sequence numbers, run claims, execution stats, schedule firing claims and
 * settings. Each must come out exact: no duplicate or missing number, one claim, no lost sample,
 * no firing past the cap, no update lost or torn. On SQLite the same scenarios run against one
 * engine (one writer: they serialise), so both dialects keep one behaviour.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestEngine, testDialect, threeStepSequence, type TestEngine } from '@stagent/engine/testing';
import { ConflictError } from '@stagent/engine';
import { ManualClock } from '../../src/clock.js';
import { listEvents } from '../../src/db/event-store.js';
import { ScheduleFiringSchema } from '../../src/db/entities/schedule-firing.entity.js';
import { ScheduleSchema } from '../../src/db/entities/schedule.entity.js';
import { SettingSchema } from '../../src/db/entities/setting.entity.js';
import { WorkflowRunSchema } from '../../src/db/entities/workflow-run.entity.js';
import { WorkflowSchema } from '../../src/db/entities/workflow.entity.js';
import { WorkflowExecutionStatsSchema } from '../../src/db/entities/workflow-execution-stats.entity.js';
import { inTransaction } from '../../src/db/unit-of-work.js';
import { recordRunOutcome, type RunOutcome } from '../../src/intelligence/execution-stats.js';
import { FiringStatus, type ScheduleExecutor } from '../../src/schedules/schedule-executor.js';
import { ScheduleSystem } from '../../src/schedules/schedule-system.js';
import { ScriptedExecutor } from '../../src/schedules/testing/scripted-executor.js';
import { openScheduleTestResources } from '../../src/schedules/testing/schedule-test-kit.js';

/** Engines ("processes") on the one database: several on PostgreSQL, one on SQLite (one writer per file). */
const PROCESSES = testDialect() === 'postgres' ? 8 : 1;
/** Units of work each engine keeps in flight at once (so 8 engines hold at most 32 connections). */
const IN_FLIGHT = 4;
const START = Date.UTC(2026, 0, 5, 8, 0);
const MINUTE = 60_000;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stagent-concurrent-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** `PROCESSES` engines on one database, each with its own pool, clock and owner id. */
async function engines(): Promise<TestEngine[]> {
  const dir = dataDir();
  const out: TestEngine[] = [];
  for (let i = 0; i < PROCESSES; i++) {
    const t = await createTestEngine({ dataDir: dir });
    cleanups.push(() => t.close());
    out.push(t);
  }
  return out;
}

/** Runs `total` jobs spread over the engines, `IN_FLIGHT` at a time per engine; every job settles. */
async function hammer<T>(all: TestEngine[], total: number, job: (t: TestEngine, n: number) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = new Array(total);
  let next = 0;
  const worker = async (t: TestEngine) => {
    for (let n = next++; n < total; n = next++) {
      try {
        results[n] = { status: 'fulfilled', value: await job(t, n) };
      } catch (reason) {
        results[n] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(all.flatMap((t) => Array.from({ length: IN_FLIGHT }, () => worker(t))));
  return results;
}

/** The reasons of rejected results, as text (for a failure message that says what went wrong). */
function rejections(results: PromiseSettledResult<unknown>[]): string[] {
  return results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => String(r.reason));
}

describe(`concurrent writers on one ${testDialect()} database (${PROCESSES} engine(s))`, () => {
  it('event seq: concurrent transactions on one workflow get 1..N exactly once, each its own consecutive range', async () => {
    const all = await engines();
    const wf = await all[0]!.engine.createWorkflow(threeStepSequence());
    const other = await all[0]!.engine.createWorkflow({ ...threeStepSequence(), name: 'Other' });
    const TRANSACTIONS = 160;
    const PER_TRANSACTION = 3;
    const results = await hammer(all, TRANSACTIONS, (t, n) =>
      inTransaction(t.engine.resources, async (uow) => {
        // Every fourth transaction also has an event of a second workflow, half of them emitting it
        // first: two transactions that touch both workflows in opposite orders must not deadlock.
        const second = { kind: 'USAGE' as const, workflowId: other.id, runId: `run-${n}`, message: `transaction ${n} other` };
        if (n % 8 === 0) uow.emit(second);
        for (let i = 0; i < PER_TRANSACTION; i++) uow.emit({ kind: 'USAGE', workflowId: wf.id, runId: `run-${n}`, message: `transaction ${n} event ${i}` });
        if (n % 8 === 4) uow.emit(second);
        return n;
      }),
    );
    expect(rejections(results)).toEqual([]);

    const events = await listEvents(all[0]!.engine.resources, wf.id);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: TRANSACTIONS * PER_TRANSACTION }, (_, i) => i + 1));
    // One transaction's events are consecutive, in the order it emitted them.
    const byRun = new Map<string, number[]>();
    for (const e of events) byRun.set(e.runId, [...(byRun.get(e.runId) ?? []), e.seq]);
    expect(byRun.size).toBe(TRANSACTIONS);
    for (const [runId, seqs] of byRun) {
      expect(seqs, runId).toEqual([seqs[0]!, seqs[0]! + 1, seqs[0]! + 2]);
      expect(events.filter((e) => e.runId === runId).map((e) => e.message)).toEqual([0, 1, 2].map((i) => `transaction ${runId.slice(4)} event ${i}`));
    }
    const otherEvents = await listEvents(all[0]!.engine.resources, other.id);
    expect(otherEvents.map((e) => e.seq)).toEqual(Array.from({ length: TRANSACTIONS / 4 }, (_, i) => i + 1));
    const rows = await all[0]!.engine.resources.orm.em.fork().find(WorkflowSchema, { id: { $in: [wf.id, other.id] } }, { orderBy: { name: 'asc' } });
    expect(rows.map((r) => r.eventSeq)).toEqual([TRANSACTIONS / 4, TRANSACTIONS * PER_TRANSACTION]);
  });

  it('run claims: every engine racing to execute one workflow, exactly one claim wins each round', async () => {
    const all = await engines();
    const wf = await all[0]!.engine.createWorkflow(threeStepSequence());
    for (let round = 1; round <= 3; round++) {
      const results = await hammer(all, PROCESSES * IN_FLIGHT, (t) => t.engine.executeWorkflow(wf.id).then((started) => ({ t, runId: started.run.id })));
      const won = results.filter((r): r is PromiseFulfilledResult<{ t: TestEngine; runId: string }> => r.status === 'fulfilled');
      expect(won, `round ${round}`).toHaveLength(1);
      for (const r of results)
        if (r.status === 'rejected') {
          expect(r.reason, String(r.reason)).toBeInstanceOf(ConflictError);
          expect((r.reason as ConflictError).code).toBe('CONFLICT');
        }
      const { t, runId } = won[0]!.value;
      expect((await t.engine.waitForRun(runId)).status).toBe('COMPLETED');
      const runs = await all[0]!.engine.listRuns(wf.id);
      expect(runs.map((r) => r.runNumber)).toEqual(Array.from({ length: round }, (_, i) => round - i));
      const started = (await listEvents(all[0]!.engine.resources, wf.id)).filter((e) => e.kind === 'RUN_STARTED');
      expect(started).toHaveLength(round);
    }
  });

  it('run claims after a crash: every engine racing to take over a run whose owner died, one crashes it and claims the next run', async () => {
    const dir = dataDir();
    const clock = new ManualClock(START);
    const all: TestEngine[] = [];
    for (let i = 0; i < PROCESSES; i++) {
      // Model calls take a second on the shared clock, so a run stays RUNNING until the clock moves.
      const t = await createTestEngine({ dataDir: dir, clock, simulatedLatencyMs: 1000 });
      cleanups.push(() => t.close());
      all.push(t);
    }
    const { engine } = all[0]!;
    const wf = await engine.createWorkflow(threeStepSequence());
    const first = await engine.executeWorkflow(wf.id);
    // The owner dies: its execution stops without finishing the run, and its lease runs out.
    engine.executor.abort(first.run.id, 'lease-lost');
    await engine.executor.settled(first.run.id);
    await engine.resources.orm.em.fork().nativeUpdate(WorkflowRunSchema, { id: first.run.id }, { ownerId: 'other-host:1:dead' });
    await clock.advance(61_000);

    const results = await hammer(all, PROCESSES * IN_FLIGHT, (t) => t.engine.executeWorkflow(wf.id).then((started) => ({ t, runId: started.run.id })));
    const won = results.filter((r): r is PromiseFulfilledResult<{ t: TestEngine; runId: string }> => r.status === 'fulfilled');
    expect(won, rejections(results).join('\n')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect((r.reason as ConflictError).code, String(r.reason)).toBe('CONFLICT');
    const old = await engine.getRun(first.run.id);
    expect(old).toMatchObject({ status: 'FAILED', failureCategory: 'CRASHED' });
    const events = await listEvents(engine.resources, wf.id);
    expect(events.filter((e) => e.kind === 'RUN_FAILED' && e.runId === first.run.id)).toHaveLength(1);
    expect(events.filter((e) => e.kind === 'RUN_STARTED').map((e) => e.runId)).toEqual([first.run.id, won[0]!.value.runId]);
    expect((await engine.listRuns(wf.id)).map((r) => r.runNumber)).toEqual([2, 1]);
    await won[0]!.value.t.engine.cancelWorkflow(wf.id);
  });

  it('execution stats: concurrent run outcomes keep exact counts, tallies and means, and create a new bucket once', async () => {
    const all = await engines();
    const RUNS = 200;
    // Even runs fold into a bucket that exists already (lost updates would show there), odd runs
    // into one that the first of them creates (two creating it at once must not collide).
    const outcomeOf = (n: number): RunOutcome => ({
      pattern: n % 2 ? 'PARALLEL' : 'SEQUENCE',
      stepCount: 4,
      succeeded: n % 5 !== 0,
      failureCategory: n % 5 !== 0 ? null : Math.floor(n / 5) % 4 < 2 ? 'BUDGET_EXCEEDED' : 'TIMEOUT',
      costUsd: (n % 17) * 0.004,
      durationMs: 1_000 + (n % 23) * 100,
      docsPerStep: n % 3,
      runtimeIds: n % 4 < 2 ? ['simulated'] : ['simulated', 'ollama'],
      now: START + n,
    });
    const outcomes = Array.from({ length: RUNS + 2 }, (_, n) => outcomeOf(n));
    // The existing bucket: its first outcome recorded alone.
    await inTransaction(all[0]!.engine.resources, (uow) => recordRunOutcome(uow.sql, outcomes[RUNS]!));
    // Each outcome in a transaction of its own, as a run's final transaction records it.
    const results = await hammer(all, RUNS, (t, n) => inTransaction(t.engine.resources, (uow) => recordRunOutcome(uow.sql, outcomes[n]!)));

    const em = all[0]!.engine.resources.orm.em.fork();
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    for (const pattern of ['SEQUENCE', 'PARALLEL']) {
      const mine = outcomes.filter((o, n) => o.pattern === pattern && n !== RUNS + 1);
      const successes = mine.filter((o) => o.succeeded).length;
      const row = await em.findOne(WorkflowExecutionStatsSchema, { id: `${pattern}:4` });
      expect({ pattern, sampleCount: row?.sampleCount, successCount: row?.successCount }).toEqual({
        pattern,
        sampleCount: mine.length,
        successCount: successes,
      });
      expect(row!.failureCounts).toEqual({
        BUDGET_EXCEEDED: mine.filter((o) => o.failureCategory === 'BUDGET_EXCEEDED').length,
        TIMEOUT: mine.filter((o) => o.failureCategory === 'TIMEOUT').length,
      });
      const withOllama = mine.filter((o) => o.runtimeIds.includes('ollama'));
      expect(row!.runtimeRuns).toEqual({
        simulated: { runs: mine.length, successes },
        ollama: { runs: withOllama.length, successes: withOllama.filter((o) => o.succeeded).length },
      });
      expect(row!.meanCostPerStepUsd!).toBeCloseTo(mean(mine.map((o) => o.costUsd / 4)), 9);
      expect(row!.meanDurationPerStepMs!).toBeCloseTo(mean(mine.map((o) => o.durationMs / 4)), 6);
      expect(row!.meanDocsPerStep!).toBeCloseTo(mean(mine.map((o) => o.docsPerStep)), 9);
    }
    expect(rejections(results)).toEqual([]);
  });

  it('schedule firing claims: many schedulers on one due schedule fire it once; on many due schedules, never past the cap', async () => {
    const dir = dataDir();
    const clock = new ManualClock(START);
    const processes = await Promise.all(
      Array.from({ length: PROCESSES }, async () => {
        const resources = await openScheduleTestResources({ dataDir: dir, clock });
        cleanups.push(() => resources.orm.close(true));
        return resources;
      }),
    );
    // Two schedulers per process: each its own claim owner, as separate processes would be.
    const executors = Array.from({ length: PROCESSES * 2 }, () => new ScriptedExecutor({ hold: true }));
    const systems = executors.map((executor, i) => new ScheduleSystem(processes[i % PROCESSES]!, executor, { maxConcurrentFirings: 3 }));
    cleanups.push(async () => {
      for (const e of executors) e.finishAll();
      await Promise.all(systems.map((s) => s.idle()));
    });
    const orm = processes[0]!.orm;
    const open = () => executors.reduce((sum, e) => sum + e.open.length, 0);

    // One schedule due: every scheduler ticks at once, round after round.
    const one = await systems[0]!.create({ name: 'Quarter-hourly', prompt: 'Check the inbox.', expression: 'every 15 minutes', timezone: 'UTC' });
    for (let round = 1; round <= 4; round++) {
      clock.set(START + round * 15 * MINUTE);
      const ticks = await Promise.all(systems.map((s) => s.tick()));
      expect(
        ticks.flatMap((r) => r.fired),
        `round ${round}`,
      ).toHaveLength(1);
      expect(open()).toBe(1);
      for (const e of executors) e.finishAll();
      await Promise.all(systems.map((s) => s.idle()));
    }
    const firings = await orm.em.fork().find(ScheduleFiringSchema, { scheduleId: one.id }, { orderBy: { dueAt: 'asc' } });
    expect(firings.map((f) => f.dueAt)).toEqual([1, 2, 3, 4].map((round) => START + round * 15 * MINUTE));
    expect(await orm.em.fork().findOneOrFail(ScheduleSchema, { id: one.id })).toMatchObject({ firingCount: 4, claimedBy: null });
    await systems[0]!.delete(one.id);

    // Twelve schedules due at once, three slots: every scheduler ticks at once; three fire.
    for (let i = 1; i <= 12; i++) await systems[0]!.create({ name: `Report ${i}`, prompt: `Write report ${i}.`, expression: 'daily at 10am', timezone: 'UTC' });
    clock.set(Date.UTC(2026, 0, 5, 10, 0));
    const ticks = await Promise.all(systems.map((s) => s.tick()));
    expect(ticks.flatMap((r) => r.fired)).toHaveLength(3);
    expect(open()).toBe(3);
    expect(await orm.em.fork().count(ScheduleSchema, { claimedUntil: { $gt: clock.now() } })).toBe(3);
    // While they run, nobody takes a fourth slot.
    clock.set(Date.UTC(2026, 0, 5, 10, 0) + 15_000);
    expect((await Promise.all(systems.map((s) => s.tick()))).flatMap((r) => r.fired)).toHaveLength(0);
    // Draining three at a time fires each of the twelve exactly once.
    let fired = 3;
    for (let round = 2; fired < 12; round++) {
      for (const e of executors) e.finishAll();
      await Promise.all(systems.map((s) => s.idle()));
      clock.set(Date.UTC(2026, 0, 5, 10, 0) + round * 15_000);
      const started = (await Promise.all(systems.map((s) => s.tick()))).flatMap((r) => r.fired);
      expect(started.length, `round ${round}`).toBe(Math.min(3, 12 - fired));
      expect(open()).toBe(started.length);
      fired += started.length;
    }
    const reports = await orm.em.fork().find(ScheduleFiringSchema, { scheduleId: { $ne: one.id } });
    expect(reports).toHaveLength(12);
    expect(new Set(reports.map((f) => f.scheduleId)).size).toBe(12);
  });

  it('schedule firing claims under churn: firings finishing while schedulers tick never let more than the cap run', async () => {
    const dir = dataDir();
    const clock = new ManualClock(START);
    const processes = await Promise.all(
      Array.from({ length: PROCESSES }, async () => {
        const resources = await openScheduleTestResources({ dataDir: dir, clock });
        cleanups.push(() => resources.orm.close(true));
        return resources;
      }),
    );
    // Firings take a few real milliseconds, so claims are released (by the firing's own process)
    // while other schedulers are between reading their due list and claiming: their due lists
    // and positions in them differ, and two may claim two different schedules at the same moment.
    const CAP = 2;
    let running = 0;
    let peak = 0;
    const executor: ScheduleExecutor = {
      runWorkflow: () => Promise.reject(new Error('no workflows here')),
      runTask: async () => {
        peak = Math.max(peak, ++running);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 15));
        running -= 1;
        return { status: FiringStatus.COMPLETED, turns: 1 };
      },
    };
    const systems = Array.from(
      { length: PROCESSES * 2 },
      (_, i) => new ScheduleSystem(processes[i % PROCESSES]!, executor, { maxConcurrentFirings: CAP, claimLeaseMs: 3_600_000 }),
    );
    cleanups.push(() => Promise.all(systems.map((s) => s.idle())).then(() => undefined));
    for (let i = 1; i <= 6; i++) await systems[0]!.create({ name: `Poll ${i}`, prompt: `Poll source ${i}.`, expression: 'every minute', timezone: 'UTC' });
    let fired = 0;
    for (let round = 1; round <= 12; round++) {
      clock.set(START + round * MINUTE);
      const ticks = await Promise.all(systems.map((s) => new Promise((resolve) => setTimeout(resolve, Math.random() * 3)).then(() => s.tick())));
      fired += ticks.flatMap((r) => r.fired).length;
    }
    await Promise.all(systems.map((s) => s.idle()));
    expect(fired).toBeGreaterThan(12);
    expect(peak).toBeLessThanOrEqual(CAP);
  }, 60_000);

  it('settings: concurrent multi-key updates from every engine neither fail, nor get lost, nor mix', async () => {
    const all = await engines();
    const UPDATES = 48;
    // Update n writes three keys from n (or unsets all three, every fifth), in an order of its own.
    const keys = ['budget.maxTokensPerTask', 'budget.maxCostPerTaskUsd', 'runtime.maxTurns'] as const;
    const valuesOf = (n: number): Record<(typeof keys)[number], number | null> =>
      n % 5 === 4
        ? { 'budget.maxTokensPerTask': null, 'budget.maxCostPerTaskUsd': null, 'runtime.maxTurns': null }
        : { 'budget.maxTokensPerTask': 1_000 + n, 'budget.maxCostPerTaskUsd': 0.5 + n / 100, 'runtime.maxTurns': 1 + (n % 10) };
    const order = (n: number) => [keys[n % 3]!, keys[(n + 1 + (n % 2)) % 3]!, keys[(n + 2 - (n % 2)) % 3]!];
    const results = await hammer(all, UPDATES, (t, n) => t.engine.settings.update(order(n).map((key) => ({ key, value: valuesOf(n)[key] }))));
    expect(rejections(results)).toEqual([]);

    // Whichever update committed last, all three keys hold its values: never one key from each.
    const rows = new Map(
      (await all[0]!.engine.resources.orm.em.fork().find(SettingSchema, { key: { $in: [...keys] } })).map((r) => [r.key, JSON.parse(r.value)]),
    );
    const stored = Object.fromEntries(keys.map((k) => [k, rows.get(k) ?? null]));
    const last = Array.from({ length: UPDATES }, (_, n) => n).filter((n) => JSON.stringify(valuesOf(n)) === JSON.stringify(stored));
    expect(last.length, JSON.stringify(stored)).toBeGreaterThan(0);

    // Updates of different keys at once all land.
    const distinct = ['budget.maxDailyCostUsd', 'budget.maxTokensPerTask', 'runtime.maxTurns'] as const;
    const values = [7, 4_242, 9];
    const settled = await Promise.allSettled(distinct.map((key, i) => all[i % all.length]!.engine.settings.update([{ key, value: values[i] }])));
    expect(rejections(settled)).toEqual([]);
    const after = new Map((await all[0]!.engine.resources.orm.em.fork().find(SettingSchema, {})).map((r) => [r.key, JSON.parse(r.value)]));
    distinct.forEach((key, i) => expect(after.get(key), key).toBe(values[i]));
  });
});
