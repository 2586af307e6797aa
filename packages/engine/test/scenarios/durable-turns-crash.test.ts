/**
 * A process killed with SIGKILL in the middle of a five-turn step, after turn 2: the next
 * process marks the run CRASHED, and resumeWorkflowStep goes on from the journal. The provider
 * emulator counts the calls: at most four more (turns 3-5, plus the one in flight at the kill),
 * and the reused cost equals the ledger cost of turns 1-2 exactly. With setting
 * recovery.maxTakeOvers, the next process takes the run over by itself and drives it on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Engine, silentLogger } from '@stagent/engine';
import { scripted, startProviderEmulator, testDatabase, type ProviderEmulator } from '@stagent/engine/testing';
import { UsageLedgerSchema } from '../../src/db/entities/usage-ledger.entity.js';
import { WorkflowRunSchema } from '../../src/db/entities/workflow-run.entity.js';
import { PRICES } from '../../src/runtimes/pricing.js';
import { killMidStep } from '../fixtures/kill-mid-step.js';

const dataDir = mkdtempSync(join(tmpdir(), 'stagent-crash-turns-'));
let emu: ProviderEmulator;
beforeAll(async () => {
  emu = await startProviderEmulator();
});
afterAll(async () => {
  await emu.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const usage = { inputTokens: 1000, outputTokens: 100 };

/** Where the test's "processes" meet: the data directory's SQLite file, or its PostgreSQL database on that pass. */
async function databaseOf(dir: string): Promise<{ dataDir: string; databaseUrl?: string }> {
  const { location } = await testDatabase(dir);
  return { dataDir: dir, databaseUrl: location.databaseUrl };
}

/** An engine on `dir` whose anthropic-direct runtime talks to the emulator (no timers: tests drive it). */
async function openOnEmulator(dir: string): Promise<Engine> {
  return Engine.open({
    ...(await databaseOf(dir)),
    logger: silentLogger,
    timers: false,
    env: { ANTHROPIC_BASE_URL: emu.url, ANTHROPIC_API_KEY: 'sk-ant-test' },
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  });
}
const search = (n: number) => ({ id: `toolu_${n}`, name: 'search_documents', input: { query: `gamma ${n}` } });

/**
 * A five-turn step killed with SIGKILL while its third call is in flight (turns 1-2 journaled
 * with their usage); the emulator then answers turns 3-5 for whoever goes on. Returns the
 * workflow and the number of calls made before the kill.
 */
async function killAfterTurn2(dir: string): Promise<{ workflowId: string; before: number }> {
  emu.script('anthropic', scripted.toolCalls([search(1)], usage, 'Turn 1.'), scripted.toolCalls([search(2)], usage, 'Turn 2.'), {
    kind: 'stall',
    textBefore: 'Turn 3',
  });
  const workflowId = await killMidStep(await databaseOf(dir), emu, 3);
  const before = emu.requestsFor('anthropic').length;
  emu.reset();
  emu.script(
    'anthropic',
    scripted.toolCalls([search(3)], usage, 'Turn 3.'),
    scripted.toolCalls([search(4)], usage, 'Turn 4.'),
    scripted.text('Turn 5.', usage),
  );
  return { workflowId, before };
}

it('SIGKILL after turn 2 of 5, restart, resume: at most 4 more calls, reusedUsd = the ledger cost of turns 1-2', async () => {
  const { workflowId, before } = await killAfterTurn2(dataDir);
  const engine = await openOnEmulator(dataDir);
  try {
    await engine.start(); // the recovery sweep: the owner is gone
    const crashed = (await engine.listRuns(workflowId))[0]!;
    expect(crashed.steps[0]).toMatchObject({ status: 'FAILED', failureCategory: 'CRASHED' });
    const ledger = await engine.resources.orm.em.fork().find(UsageLedgerSchema, { workflowId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    expect(ledger).toHaveLength(2);

    await engine.resumeWorkflowStep(workflowId, 'work');
    const done = await engine.waitForRun(crashed.id);
    expect(done.status).toBe('COMPLETED');
    expect(before).toBe(3);
    expect(emu.requestsFor('anthropic').length).toBeLessThanOrEqual(4);
    expect(emu.requestsFor('anthropic').length).toBe(3);
    expect(done.steps[0]).toMatchObject({ attempt: 2, turnsReused: 2, turns: 5 });
    expect(Math.round(done.steps[0]!.reusedUsd * 1e6)).toBe(ledger[0]!.costMicros + ledger[1]!.costMicros);
    // The first resumed request holds turns 1-2 as they were: the prompt, and each turn with its tool result.
    const messages = (emu.requestsFor('anthropic')[0]!.body as { messages: unknown[] }).messages;
    expect(messages).toHaveLength(5);
    expect(JSON.stringify(messages)).toContain('toolu_1');
    expect(JSON.stringify(messages)).toContain('toolu_2');
  } finally {
    await engine.close();
  }
}, 60_000);

it('with recovery.maxTakeOvers set, the next process takes the killed run over and drives it on from turn 3: no resume by hand, the same attempt', async () => {
  emu.reset();
  const dir = mkdtempSync(join(tmpdir(), 'stagent-takeover-'));
  const { workflowId } = await killAfterTurn2(dir);
  const engine = await openOnEmulator(dir);
  try {
    await engine.updateSettings([{ key: 'recovery.maxTakeOvers', value: 3 }]);
    const events: string[] = [];
    engine.resources.bus.subscribe(workflowId, (e) => events.push(`${e.kind} ${e.message}`));
    await engine.start(); // the recovery sweep: the owner is gone, so this process takes the run over
    const run = (await engine.listRuns(workflowId))[0]!;
    const done = await engine.waitForRun(run.id);
    expect(done.status).toBe('COMPLETED');
    expect(emu.requestsFor('anthropic')).toHaveLength(3); // turns 3-5 only
    const ledger = await engine.resources.orm.em.fork().find(UsageLedgerSchema, { workflowId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    expect(ledger).toHaveLength(5);
    expect(done.steps[0]).toMatchObject({ attempt: 1, turnsReused: 2, turns: 5, status: 'COMPLETED' });
    expect(Math.round(done.steps[0]!.reusedUsd * 1e6)).toBe(ledger[0]!.costMicros + ledger[1]!.costMicros);
    expect(Math.round(done.reusedUsd * 1e6)).toBe(ledger[0]!.costMicros + ledger[1]!.costMicros);
    const row = await engine.resources.orm.em.fork().findOneOrFail(WorkflowRunSchema, { id: run.id });
    expect(row.resumeCount).toBe(1);
    expect(events.find((e) => e.startsWith('RUN_STARTED'))).toMatch(/taken over by .* \(take-over 1 of at most 3\)/);
    expect(events.find((e) => e.startsWith('STEP_RESUMED'))).toMatch(/goes on at turn 3 under a new driver/);
    // The first call after the take-over holds turns 1-2 as they were.
    expect(JSON.stringify(emu.requestsFor('anthropic')[0]!.body)).toContain('toolu_2');
  } finally {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

it('a run already taken over recovery.maxTakeOvers times ends CRASHED at the next death', async () => {
  emu.reset();
  emu.script('anthropic', scripted.toolCalls([search(1)], usage, 'Turn 1.'), { kind: 'stall', textBefore: 'Turn 2' });
  const dir = mkdtempSync(join(tmpdir(), 'stagent-takeover-max-'));
  const workflowId = await killMidStep(await databaseOf(dir), emu, 2);
  const engine = await openOnEmulator(dir);
  try {
    await engine.updateSettings([{ key: 'recovery.maxTakeOvers', value: 1 }]);
    // As if one take-over had happened already.
    await engine.resources.orm.em.fork().nativeUpdate(WorkflowRunSchema, { workflowId }, { resumeCount: 1 });
    await engine.start();
    const run = (await engine.listRuns(workflowId))[0]!;
    expect(run).toMatchObject({ status: 'FAILED', failureCategory: 'CRASHED' });
    expect(run.steps[0]).toMatchObject({ status: 'FAILED', failureCategory: 'CRASHED' });
  } finally {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

it('on anthropic-direct: a 6-turn step whose turn 3 crosses the cap pauses after turn 3; resuming makes exactly 3 more calls, the first holding turns 1-3 as they were', async () => {
  emu.reset();
  const engine = await openOnEmulator(mkdtempSync(join(tmpdir(), 'stagent-pause-')));
  try {
    await engine.start();
    await engine.updateSettings([{ key: 'budget.onCapReached', value: 'pause' }]);
    const model = (await engine.listRuntimes()).find((r) => r.id === 'anthropic-direct')!.models.default;
    const price = PRICES[model]!;
    const turnUsd = (1000 * price.input + 100 * price.output) / 1e6;
    emu.script('anthropic', ...[1, 2, 3, 4, 5].map((n) => scripted.toolCalls([search(n)], usage, `Turn ${n}.`)), scripted.text('Turn 6.', usage));
    const doc = await engine.createDocument({ name: 'Notes.md', mimeType: 'text/markdown', content: 'alpha beta gamma delta' });
    const wf = await engine.createWorkflow({
      name: 'Pause on anthropic',
      pattern: 'SEQUENCE',
      runtimeId: 'anthropic-direct',
      documentIds: [doc.id],
      steps: [{ id: 'work', name: 'Work', prompt: 'Work in six turns.', budgetUsd: Number((2.5 * turnUsd).toFixed(6)), maxTurns: 10 }],
    });
    const paused = await engine.waitForRun((await engine.executeWorkflow(wf.id)).run.id);
    expect(paused.steps[0]).toMatchObject({ status: 'PAUSED', turns: 3 });
    expect(emu.requestsFor('anthropic')).toHaveLength(3);
    await engine.resumeWorkflowStep(wf.id, 'work', 1);
    const done = await engine.waitForRun(paused.id);
    expect(done.status).toBe('COMPLETED');
    const requests = emu.requestsFor('anthropic').map((r) => (r.body as { messages: unknown[] }).messages);
    expect(requests).toHaveLength(6);
    // Call 4 holds call 3's messages unchanged, then turn 3's own tool_use and its result.
    expect(requests[3]!.slice(0, requests[2]!.length)).toEqual(requests[2]);
    expect(JSON.stringify(requests[3]!.slice(requests[2]!.length))).toContain('toolu_3');
    expect(requests[3]).toHaveLength(requests[2]!.length + 2);
    expect(done.steps[0]).toMatchObject({ turnsReused: 3, turns: 6 });
  } finally {
    await engine.close();
  }
}, 60_000);

it('a conversation past journal.maxBytesPerStep stops the step with a clear error instead of going on unjournaled', async () => {
  emu.reset();
  const engine = await openOnEmulator(mkdtempSync(join(tmpdir(), 'stagent-journal-cap-')));
  try {
    await engine.start();
    await engine.updateSettings([{ key: 'journal.maxBytesPerStep', value: 100_000 }]);
    const read = (n: number) => ({ id: `toolu_read_${n}`, name: 'read_document', input: { id: 'Big.md', limit: 60_000 } });
    emu.script('anthropic', scripted.toolCalls([read(1)], usage), scripted.toolCalls([read(2)], usage), scripted.text('Done.', usage));
    const doc = await engine.createDocument({ name: 'Big.md', mimeType: 'text/markdown', content: 'x'.repeat(60_000) });
    const wf = await engine.createWorkflow({
      name: 'big',
      pattern: 'SEQUENCE',
      runtimeId: 'anthropic-direct',
      steps: [{ id: 'a', name: 'A', prompt: 'Read it twice.', documentIds: [doc.id] }],
    });
    const run = await engine.waitForRun((await engine.executeWorkflow(wf.id)).run.id);
    expect(run.status).toBe('FAILED');
    expect(run.steps[0]!.error).toContain('journal.maxBytesPerStep');
    expect(run.steps[0]!.turns).toBe(3);
  } finally {
    await engine.close();
  }
}, 60_000);
