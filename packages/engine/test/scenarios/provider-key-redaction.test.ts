import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestEngine, scripted, startProviderEmulator, testDialect, type ProviderEmulator, type TestEngine } from '@stagent/engine/testing';
import { withSqlExecutor } from '../../src/db/sql-executor.js';
import type { Logger } from '../../src/resources.js';

let emu: ProviderEmulator;
let t: TestEngine | undefined;
let dataDir: string;
beforeAll(async () => {
  emu = await startProviderEmulator();
});
afterAll(() => emu.close());
afterEach(async () => {
  await t?.close();
  t = undefined;
  emu.reset();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Runs a workflow to its end; after each retry is announced, moves the engine clock past its wait. */
async function runToEnd(engine: TestEngine, workflowId: string, retries: number) {
  const runId = (await engine.engine.executeWorkflow(workflowId)).run.id;
  for (let seen = 0; seen < retries;) {
    const announced = (await engine.engine.listEvents(workflowId)).filter((e) => e.kind === 'CALL_RETRIED').length;
    if (announced > seen) {
      seen = announced;
      await engine.clock.advance(10);
    } else await new Promise((resolve) => setImmediate(resolve));
  }
  return engine.engine.waitForRun(runId);
}

const postgres = testDialect() === 'postgres';

/**
 * What the database holds, as text. SQLite: the bytes of the database file and its WAL (pages
 * not yet checkpointed, freed ones too). PostgreSQL: every row of every table of the engine's
 * database, each row as its text form (all columns, JSON included), read through the engine.
 */
async function storedText(engine: TestEngine): Promise<string> {
  if (!postgres) {
    const files = ['stagent.sqlite', 'stagent.sqlite-wal'].map((name) => join(dataDir, name));
    expect(files.every((f) => existsSync(f))).toBe(true);
    return files.map((f) => readFileSync(f).toString('latin1')).join('\n');
  }
  return withSqlExecutor(engine.engine.resources.orm, async (sql) => {
    const tables = await sql.all("select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'", []);
    expect(tables.length).toBeGreaterThan(10);
    const rows: string[] = [];
    for (const { table_name } of tables) {
      for (const row of await sql.all(`select t::text as row from "${String(table_name)}" t`, [])) rows.push(String(row.row));
    }
    return rows.join('\n');
  });
}

/** Every line the engine logs, as text. */
function capturingLogger(lines: string[]): Logger {
  const keep = (level: string) => (message: string, data?: Record<string, unknown>) => lines.push(`${level} ${message} ${JSON.stringify(data ?? {})}`);
  return { info: keep('info'), warn: keep('warn'), error: keep('error') };
}

describe('a provider error that echoes the API key leaves no copy of it anywhere', () => {
  it(`redacts the key from step errors, evidence, events, the debug analysis, the log and ${postgres ? 'every row of every table' : 'the SQLite files (database and WAL)'}`, async () => {
    // One key-shaped key in a secret setting, one proxy key of no known shape in the environment.
    const anthropicKey = `sk-ant-api03-${randomBytes(24).toString('hex')}`;
    const openaiKey = `proxy-${randomBytes(24).toString('hex')}`;
    const log: string[] = [];
    dataDir = mkdtempSync(join(tmpdir(), 'stagent-redaction-'));
    t = await createTestEngine({
      dataDir,
      logger: capturingLogger(log),
      env: { ANTHROPIC_BASE_URL: emu.url, OPENAI_BASE_URL: emu.openaiBaseUrl, OPENAI_API_KEY: openaiKey },
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
    });
    await t.engine.updateSettings([{ key: 'anthropic.apiKey', value: anthropicKey }]);
    emu.script(
      'anthropic',
      { kind: 'http_error', status: 429, message: 'Rate limited for key', retryAfterMs: 1, echoKey: true },
      scripted.unauthorizedEchoingKey(),
    );
    emu.script('openai', scripted.unauthorizedEchoingKey('Incorrect API key provided'));
    const onAnthropic = await t.engine.createWorkflow({
      name: 'a',
      pattern: 'SEQUENCE',
      steps: [{ id: 'a', name: 'Ask', prompt: 'Ask.', runtimeId: 'anthropic-direct' }],
    });
    const onOpenAI = await t.engine.createWorkflow({
      name: 'o',
      pattern: 'SEQUENCE',
      steps: [{ id: 'o', name: 'Ask', prompt: 'Ask.', runtimeId: 'openai-direct' }],
    });

    const runs = [await runToEnd(t, onAnthropic.id, 1), await runToEnd(t, onOpenAI.id, 0)];

    // The providers were sent the keys and answered with them: there was something to leak.
    expect(emu.requests.map((r) => [r.provider, r.headers['x-api-key'] ?? r.headers.authorization])).toEqual([
      ['anthropic', expect.stringContaining(anthropicKey)],
      ['anthropic', expect.stringContaining(anthropicKey)],
      ['openai', `Bearer ${openaiKey}`],
    ]);
    for (const run of runs) {
      expect(run).toMatchObject({ status: 'FAILED', failureCategory: 'AUTH' });
      expect(run.steps[0]!.error).toMatch(/^(Invalid|Incorrect) API key provided: \[redacted\]$/);
    }
    const served = JSON.stringify({
      runs,
      events: [...(await t.engine.listEvents(onAnthropic.id)), ...(await t.engine.listEvents(onOpenAI.id))],
      debug: [await t.engine.debugAnalysis(onAnthropic.id, runs[0]!.id), await t.engine.debugAnalysis(onOpenAI.id, runs[1]!.id)],
    });
    expect(served).toContain('CALL_RETRIED');
    expect(served).toContain('Rate limited for key: [redacted]');
    expect(served).toContain('STEP_FAILED');
    expect(served).toContain('RUN_FAILED');

    const stored = await storedText(t);
    // The redacted messages did reach the database: the grep looks where the key would have been.
    expect(stored).toContain('API key provided: [redacted]');
    for (const key of [anthropicKey, openaiKey]) {
      expect(served).not.toContain(key);
      expect(stored).not.toContain(key);
      expect(log.join('\n')).not.toContain(key);
    }
  });
});
