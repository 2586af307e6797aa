/**
 * Scale-out acceptance (issue #17): one api and two worker processes (`stagent serve` with
 * STAGENT_ROLE) on one PostgreSQL database and one Redis. Thirty workflows run; one worker is
 * killed with SIGKILL mid-run; the other takes its runs over (setting recovery.maxTakeOvers, unset:
 * 3 when scaled out) and
 * every run completes. The database shows that no finished model call was made again: each step's
 * ledger rows equal its turns, and a taken-over step's new task made only the turns its journal
 * did not hold. A subscriber on the api instance saw every event of every run exactly once, in seq
 * order, as stored. PostgreSQL and Redis are required under CI; elsewhere the file says in one
 * line why it did not run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Engine, silentLogger } from '@stagent/engine';
import { probeTestPostgres, redisTestsRun, scratchPostgresDatabase, testRedisUrl } from '@stagent/engine/testing';
import { loadConfig } from '../src/config.js';
import { stagent, stopStartedClis, type Cli } from './cli-process.js';

const postgresDown = await probeTestPostgres();
if (postgresDown && process.env.CI) throw new Error(`Scale-out test: PostgreSQL is required under CI (${postgresDown}).`);
if (postgresDown) console.warn(`Scale-out test skipped: no PostgreSQL (${postgresDown}).`);
const redisRuns = await redisTestsRun('Scale-out across processes');

const WORKFLOWS = 30;
const LEASE_MS = 5_000;

let database: { url: string; drop(): Promise<void> };
let dataDir: string;
beforeAll(async () => {
  if (postgresDown || !redisRuns) return;
  database = await scratchPostgresDatabase('scale_out');
  dataDir = mkdtempSync(join(tmpdir(), 'stagent-scale-out-'));
});
afterAll(async () => {
  await stopStartedClis();
  await database?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** An instance of `stagent serve` in `role`, on the shared database, Redis and data directory (the secret key). */
async function instance(role: 'api' | 'worker'): Promise<Cli> {
  const cli = stagent(['serve'], {
    STAGENT_ROLE: role,
    STAGENT_DATABASE_URL: database.url,
    STAGENT_REDIS_URL: testRedisUrl(),
    STAGENT_DATA_DIR: dataDir,
    STAGENT_LEASE_MS: String(LEASE_MS),
    STAGENT_WORKER_CONCURRENCY: '6',
  });
  await cli.waitFor(/Stagent API on http:\S+\/graphql/);
  return cli;
}

function urlOf(cli: Cli): string {
  return /Stagent API on (http:\S+\/graphql)/.exec(cli.output())![1]!;
}

async function gql<T>(cli: Cli, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(urlOf(cli), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data: T; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

async function until(done: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.runIf(!postgresDown && redisRuns)('one api and two worker processes', () => {
  it('run 30 workflows; a worker killed mid-run loses nothing: all complete, no finished call is made again, every event reaches the api subscriber once in order', async () => {
    const api = await instance('api');
    // The server's own pid, as it registered (the `stagent` entry point runs it in a child process).
    const workerPids = async () =>
      (await gql<{ instances: { role: string; pid: number }[] }>(api, '{ instances { role pid } }')).instances
        .filter((i) => i.role === 'worker')
        .map((i) => i.pid);
    const w1 = await instance('worker');
    const [w1Pid] = await workerPids();
    const w2 = await instance('worker');
    expect((await workerPids()).length).toBe(2);
    // A bound document makes each simulated step take two model calls: a search, then the answer.
    const { createDocument } = await gql<{ createDocument: { document: { id: string } } }>(
      api,
      'mutation { createDocument(name: "Notes.md", mimeType: "text/markdown", content: "alpha beta gamma delta") { document { id } } }',
    );
    const ids: string[] = [];
    for (let i = 0; i < WORKFLOWS; i++) {
      const created = await gql<{ createWorkflow: { workflow: { id: string } } }>(
        api,
        'mutation ($input: WorkflowDefinitionInput!) { createWorkflow(input: $input) { workflow { id } } }',
        {
          input: {
            name: `Scale ${i}`,
            pattern: 'SEQUENCE',
            runtimeId: 'simulated',
            documentIds: [createDocument.document.id],
            steps: [1, 2, 3].map((n) => ({ id: `s${n}`, name: `Step ${n}`, prompt: `Part ${n} of workflow ${i}.` })),
          },
        },
      );
      ids.push(created.createWorkflow.workflow.id);
    }

    // A subscriber on the api instance, for every workflow.
    const seen = new Map<string, number[]>(ids.map((id) => [id, []]));
    const client = createClient({ url: urlOf(api).replace('http', 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    const subscriptions = ids.map((workflowId) =>
      client.subscribe<{ workflowEvents: { seq: number } }>(
        { query: 'subscription ($id: ID!) { workflowEvents(workflowId: $id) { seq } }', variables: { id: workflowId } },
        { next: (m) => seen.get(workflowId)!.push(m.data!.workflowEvents.seq), error: () => undefined, complete: () => undefined },
      ),
    );

    for (const id of ids) await gql(api, 'mutation ($id: ID!) { executeWorkflow(id: $id) { errors { message } } }', { id });
    // The test reads the rows through an engine of its own on the database: started never, it drives nothing.
    const reader = await Engine.open({ dataDir, databaseUrl: database.url, logger: silentLogger, timers: false, role: 'api' });
    const db = {
      query: async (sql: string, params: unknown[] = []) => ({ rows: (await reader.resources.orm.em.getConnection().execute(sql, params)) as any[] }),
    };
    try {
      // Kill worker 1 while it drives runs with model calls in flight.
      await until(
        async () => Number((await db.query('select running_steps from instances where pid = ?', [w1Pid])).rows[0]?.running_steps ?? 0) > 0,
        'worker 1 to run steps',
        30_000,
      );
      await until(
        async () => Number((await db.query("select count(*) as n from step_runs where status = 'COMPLETED'")).rows[0].n) >= 10,
        'some steps to complete',
        30_000,
      );
      process.kill(w1Pid!, 'SIGKILL');
      // What worker 1 drove when it died, read after the kill (it took jobs up to its last moment)
      // and seconds before its lease (5 s) lapses and the take-overs begin: runs it owned, and runs
      // whose drive job a worker had taken but that had no driver written in yet (worker 1 may have
      // died in between; one of worker 2's drives it within milliseconds and is never taken over).
      const ownedAtKill = (
        await db.query(
          `select id from workflow_runs r where status = 'RUNNING' and (owner_id like ?
             or (owner_id is null and exists (select 1 from graphile_worker.jobs j where j.key = 'run:' || r.id and j.locked_at is not null)))`,
          [`%:${w1Pid}:%`],
        )
      ).rows.map((r: { id: string }) => r.id);
      expect(ownedAtKill.length).toBeGreaterThan(0);

      await until(
        async () => Number((await db.query("select count(*) as n from workflow_runs where status = 'COMPLETED'")).rows[0].n) === WORKFLOWS,
        'every run to complete',
        120_000,
      );
      const runs = (await db.query('select id, resume_count from workflow_runs')).rows as { id: string; resume_count: number }[];
      expect(runs).toHaveLength(WORKFLOWS);
      // Runs worker 1 drove were taken over once (one that finished in the instant before the kill, not at all); no run twice.
      const takenOver = runs.filter((r) => r.resume_count === 1).map((r) => r.id);
      expect(runs.every((r) => r.resume_count <= 1)).toBe(true);
      expect(takenOver.length).toBeGreaterThan(0);
      for (const id of takenOver) expect(ownedAtKill).toContain(id);

      // No turn paid twice: every step's ledger rows are its turns.
      const steps = (
        await db.query(
          `select s.id, s.turns, s.turns_reused, s.status, (select count(*) from usage_ledger l where l.task_id in (select t.id from tasks t where t.step_run_id = s.id)) as paid
             from step_runs s`,
        )
      ).rows as { id: string; turns: number; turns_reused: number; status: string; paid: string }[];
      expect(steps).toHaveLength(WORKFLOWS * 3);
      for (const step of steps) {
        expect(step.status).toBe('COMPLETED');
        expect(Number(step.paid)).toBe(step.turns);
      }
      // A taken-over step's tasks: the killed one (CRASHED) and one that made only the turns its journal did not hold.
      const tasks = (
        await db.query(
          'select t.step_run_id, t.status, t.failure_category, (select count(*) from usage_ledger l where l.task_id = t.id) as paid from tasks t where t.step_run_id is not null',
        )
      ).rows as { step_run_id: string; status: string; failure_category: string | null; paid: string }[];
      for (const step of steps) {
        const mine = tasks.filter((t) => t.step_run_id === step.id);
        const completed = mine.filter((t) => t.status === 'COMPLETED');
        expect(completed).toHaveLength(1);
        const crashed = mine.filter((t) => t.status === 'FAILED');
        expect(crashed.length).toBeLessThanOrEqual(1);
        if (crashed.length) {
          expect(crashed[0]!.failure_category).toBe('CRASHED');
          expect(Number(crashed[0]!.paid)).toBe(step.turns_reused);
          expect(Number(completed[0]!.paid)).toBe(step.turns - step.turns_reused);
        } else expect(Number(completed[0]!.paid)).toBe(step.turns);
      }
      expect(tasks.some((t) => t.failure_category === 'CRASHED')).toBe(true);

      // Every event, once, in seq order, as stored.
      await until(
        async () => {
          const stored = (await db.query('select workflow_id, count(*) as n from workflow_events group by workflow_id')).rows as {
            workflow_id: string;
            n: string;
          }[];
          return stored.every((s) => seen.get(s.workflow_id)?.length === Number(s.n));
        },
        'the subscriber to catch up',
        20_000,
      );
      for (const id of ids) {
        const stored = (await db.query('select seq from workflow_events where workflow_id = ? order by seq', [id])).rows.map((r: { seq: string }) =>
          Number(r.seq),
        );
        expect(seen.get(id)).toEqual(stored);
      }
    } finally {
      subscriptions.forEach((unsubscribe) => unsubscribe());
      await client.dispose();
      await reader.close();
    }
    expect(w2.child.exitCode).toBeNull();
    await w1.exited;
  }, 240_000);
});

describe('STAGENT_LEASE_MS', () => {
  it('takes 5,000-600,000 ms and refuses anything else in one line', () => {
    expect(loadConfig({}).leaseMs).toBe(60_000);
    expect(loadConfig({ STAGENT_LEASE_MS: '5000' }).leaseMs).toBe(5_000);
    for (const bad of ['100', '600001', '1.5', 'soon'])
      expect(() => loadConfig({ STAGENT_LEASE_MS: bad })).toThrow(`STAGENT_LEASE_MS must be an integer from 5000 to 600000, got "${bad}".`);
  });
});
