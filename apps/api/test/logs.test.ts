import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTraceContext } from '@stagent/engine';
import { createTestEngine, scripted, startProviderEmulator, testDatabase, type ProviderEmulator, type TestEngine } from '@stagent/engine/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createLogger, loggingTelemetry, type JsonLogger } from '../src/telemetry/logger.js';
import { SPAWN_TIMEOUT_MS, stagent, stopStartedClis } from './cli-process.js';

/** A JSON log line as the logger writes it. */
interface LogLine {
  level: string;
  time: number;
  msg: string;
  [key: string]: unknown;
}

/** Parses every line; a line that is not one JSON object with level, time and msg fails the test. */
function jsonLines(text: string): LogLine[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      let parsed: LogLine;
      try {
        parsed = JSON.parse(line) as LogLine;
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
      expect(parsed).toMatchObject({ level: expect.any(String), time: expect.any(Number), msg: expect.any(String) });
      return parsed;
    });
}

/** A logger whose lines land in `lines`. */
function capturing(level: Parameters<typeof createLogger>[0]['level'], env: NodeJS.ProcessEnv = {}) {
  const lines: string[] = [];
  const logger = createLogger({ level, env, destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines, parsed: () => jsonLines(lines.join('')) };
}

const secret = (prefix: string) => `${prefix}-${randomBytes(12).toString('hex')}`;

let emu: ProviderEmulator;
let t: TestEngine | undefined;
let logger: JsonLogger | undefined;
const dirs: string[] = [];
beforeAll(async () => {
  emu = await startProviderEmulator();
});
afterAll(() => emu.close());
afterEach(async () => {
  await stopStartedClis();
  logger?.close();
  await t?.close();
  t = logger = undefined;
  emu.reset();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the JSON log of `stagent serve`', () => {
  it(
    'with every secret set, a run that calls a tool and runs that fail on keys echoed by the providers leave no secret in the log; lines are JSON, the run ones with runId and trace_id',
    { timeout: 2 * SPAWN_TIMEOUT_MS },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'stagent-logs-'));
      dirs.push(dir);
      const location = (await testDatabase(dir)).location;
      const secrets = {
        apiToken: secret('api-token'),
        anthropicSetting: secret('anthropic-setting'),
        openaiSetting: secret('openai-setting'),
        anthropicEnv: secret('anthropic-env'),
        mcpEnv: secret('mcp-env'),
        mcpHeader: secret('mcp-header'),
        sealingKey: randomBytes(32).toString('hex'),
      };
      // A bad LOG_LEVEL beside it: refused in one line before anything opens.
      const refused = stagent(['serve'], { STAGENT_DATA_DIR: dir, LOG_LEVEL: 'loud' }).exited;
      const serve = stagent(['serve'], {
        STAGENT_DATA_DIR: dir,
        ...(location.databaseUrl ? { STAGENT_DATABASE_URL: location.databaseUrl } : {}),
        STAGENT_API_TOKEN: secrets.apiToken,
        STAGENT_SECRET_KEY: secrets.sealingKey,
        ANTHROPIC_API_KEY: secrets.anthropicEnv,
        ANTHROPIC_BASE_URL: emu.url,
        OPENAI_BASE_URL: emu.openaiBaseUrl,
        LOG_LEVEL: 'debug',
      });
      expect(await refused).toEqual({ code: 2, stdout: '', stderr: 'stagent: LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, got "loud".\n' });
      await serve.waitFor(/Stagent API on http:\S+\/graphql/);
      const url = /Stagent API on (http:\S+\/graphql)/.exec(serve.output())![1]!;
      const gql = async <T = any>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${secrets.apiToken}` },
          body: JSON.stringify({ query, variables }),
        });
        const body = (await response.json()) as { data: T; errors?: unknown };
        expect(body.errors).toBeUndefined();
        return body.data;
      };

      const settings = await gql(`mutation ($input: [SettingInput!]!) { updateSettings(input: $input) { errors { message } } }`, {
        input: [
          { key: 'anthropic.apiKey', value: secrets.anthropicSetting },
          { key: 'openai.apiKey', value: secrets.openaiSetting },
        ],
      });
      expect(settings.updateSettings.errors).toEqual([]);
      const CREATE_MCP = `mutation ($input: McpServerInput!) { createMcpServer(input: $input) { errors { message } } }`;
      for (const input of [
        { name: 'local', transport: 'STDIO', command: process.execPath, args: ['-e', ''], env: { LOCAL_TOKEN: secrets.mcpEnv }, enabled: false },
        {
          name: 'remote',
          transport: 'STREAMABLE_HTTP',
          url: 'http://127.0.0.1:9/mcp',
          headers: { Authorization: `Bearer ${secrets.mcpHeader}` },
          enabled: false,
        },
      ]) {
        expect((await gql(CREATE_MCP, { input })).createMcpServer.errors).toEqual([]);
      }
      const doc = (await gql(`mutation { createDocument(name: "Notes.md", mimeType: "text/markdown", content: "Notes: x y z.") { document { id } } }`))
        .createDocument.document.id as string;

      emu.script('anthropic', scripted.unauthorizedEchoingKey());
      emu.script('openai', scripted.unauthorizedEchoingKey('Incorrect API key provided'));
      const definitions = [
        {
          name: 'Works',
          pattern: 'SEQUENCE',
          runtimeId: 'simulated',
          steps: [
            { id: 's1', name: 'Search', prompt: 'Search the notes.', documentIds: [doc] },
            { id: 's2', name: 'Analyse', prompt: 'Analyse.' },
            { id: 's3', name: 'Report', prompt: 'Report.' },
          ],
        },
        { name: 'On Anthropic', pattern: 'SEQUENCE', steps: [{ id: 'a', name: 'Ask', prompt: 'Ask.', runtimeId: 'anthropic-direct' }] },
        { name: 'On OpenAI', pattern: 'SEQUENCE', steps: [{ id: 'o', name: 'Ask', prompt: 'Ask.', runtimeId: 'openai-direct' }] },
      ];
      const runs: { id: string; workflowId: string }[] = [];
      for (const input of definitions) {
        const created = await gql(`mutation ($input: WorkflowDefinitionInput!) { createWorkflow(input: $input) { workflow { id } errors { message } } }`, {
          input,
        });
        expect(created.createWorkflow.errors).toEqual([]);
        const workflowId = created.createWorkflow.workflow.id as string;
        const started = await gql(`mutation ($id: ID!) { executeWorkflow(id: $id) { run { id } errors { message } } }`, { id: workflowId });
        runs.push({ id: started.executeWorkflow.run.id, workflowId });
      }
      const status = async (id: string) => (await gql(`query ($id: ID!) { workflowRun(id: $id) { status } }`, { id })).workflowRun.status as string;
      await expect.poll(() => Promise.all(runs.map((r) => status(r.id))), { timeout: 30_000, interval: 100 }).toEqual(['COMPLETED', 'FAILED', 'FAILED']);
      // The providers were sent the keys of the settings and answered with them: there was something to leak.
      const presented = (provider: 'anthropic' | 'openai') => emu.requestsFor(provider).map((r) => String(r.headers['x-api-key'] ?? r.headers.authorization));
      expect(presented('anthropic')).toEqual([expect.stringContaining(secrets.anthropicSetting)]);
      expect(presented('openai')).toEqual([`Bearer ${secrets.openaiSetting}`]);
      const metrics = await fetch(url.replace('/graphql', '/metrics'), { headers: { authorization: `Bearer ${secrets.apiToken}` } });
      expect(metrics.status).toBe(200);

      serve.child.kill('SIGTERM');
      const ended = await serve.exited;
      expect(ended.code, ended.stderr).toBe(0);
      // stdout is what serve says to a person; stderr is the log, every line JSON.
      expect(ended.stdout).toMatch(/^Stagent API on /m);
      const lines = jsonLines(ended.stderr);
      for (const value of Object.values(secrets)) expect(ended.stdout + ended.stderr).not.toContain(value);

      const [works, onAnthropic] = runs;
      const ofRun = (runId: string) => lines.filter((l) => l.runId === runId);
      for (const line of [...ofRun(works!.id), ...ofRun(onAnthropic!.id)]) expect(line.trace_id).toBe(runTraceContext(String(line.runId)).traceId);
      expect(ofRun(works!.id).map((l) => [l.level, l.msg, l.stepId ?? null, l.status ?? null])).toEqual(
        expect.arrayContaining([
          ['debug', 'tool call', 's1', 'SUCCEEDED'],
          ['info', 'step ended', 's1', 'COMPLETED'],
          ['info', 'step ended', 's3', 'COMPLETED'],
          ['info', 'run ended', null, 'COMPLETED'],
        ]),
      );
      expect(ofRun(works!.id).filter((l) => l.msg === 'model call').length).toBeGreaterThanOrEqual(4);
      expect(ofRun(works!.id).every((l) => l.workflowId === works!.workflowId)).toBe(true);
      expect(ofRun(onAnthropic!.id).find((l) => l.msg === 'run ended')).toMatchObject({ level: 'warn', status: 'FAILED', failureCategory: 'AUTH' });
    },
  );
});

describe('LOG_LEVEL', () => {
  it('is info by default, any of trace..fatal in any case, and anything else is refused in one line', () => {
    expect(loadConfig({}).logLevel).toBe('info');
    expect(loadConfig({ LOG_LEVEL: ' WARN ' }).logLevel).toBe('warn');
    expect(loadConfig({ LOG_LEVEL: 'trace' }).logLevel).toBe('trace');
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow('LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, got "verbose".');
  });

  it('warn drops the info lines of a completed run and keeps the warnings of a failed one', async () => {
    const log = capturing('warn');
    logger = log.logger;
    t = await createTestEngine({ logger, telemetry: loggingTelemetry(logger) });
    t.engine.simulated.script({ match: 'Break.', script: { failAt: { turn: 1, category: 'INVALID_REQUEST', message: 'Upstream broke.' } } });
    const fine = await t.engine.createWorkflow({ name: 'Fine', pattern: 'SEQUENCE', runtimeId: 'simulated', steps: [{ id: 'a', name: 'A', prompt: 'Fine.' }] });
    const broken = await t.engine.createWorkflow({
      name: 'Broken',
      pattern: 'SEQUENCE',
      runtimeId: 'simulated',
      steps: [{ id: 'b', name: 'B', prompt: 'Break.' }],
    });
    const completed = await t.engine.waitForRun((await t.engine.executeWorkflow(fine.id)).run.id);
    expect(completed.status).toBe('COMPLETED');
    expect(log.lines).toEqual([]);
    const failed = await t.engine.waitForRun((await t.engine.executeWorkflow(broken.id)).run.id);
    expect(failed.status).toBe('FAILED');
    const lines = log.parsed();
    expect(lines.map((l) => [l.level, l.msg, l.status])).toEqual([
      ['warn', 'step ended', 'FAILED'],
      ['warn', 'run ended', 'FAILED'],
    ]);
    expect(lines[1]).toMatchObject({ workflowId: broken.id, runId: failed.id, trace_id: runTraceContext(failed.id).traceId });
  });
});

describe('redaction', () => {
  it('censors values under credential keys and removes every configured secret from whole lines, also as JSON escapes it', () => {
    const quoted = 'we"ird\\key-0123456789';
    const log = capturing('info', {
      STAGENT_API_TOKEN: 'the-api-token-123',
      ANTHROPIC_API_KEY: quoted,
      STAGENT_DATABASE_URL: 'postgres://stagent:db-pa55word@db:5432/stagent',
      STAGENT_REDIS_URL: 'redis://:redis-pa55word@cache:6379',
    });
    logger = log.logger;
    logger.info('request', { headers: { 'x-api-key': 'header-value-1' }, apiKey: 'key-value-2', nested: { password: 'pw-value-3', token: 'tok-value-4' } });
    logger.error('provider said', { message: `bad key ${quoted}, token the-api-token-123, db-pa55word, redis-pa55word, sk-ant-api03-abcdefghij` });
    const text = log.lines.join('');
    for (const value of ['header-value-1', 'key-value-2', 'pw-value-3', 'tok-value-4', 'the-api-token-123', 'db-pa55word', 'redis-pa55word', 'sk-ant-api03']) {
      expect(text).not.toContain(value);
    }
    expect(text).not.toContain(JSON.stringify(quoted).slice(1, -1));
    const [request, said] = log.parsed();
    expect(request).toMatchObject({ headers: '[redacted]', apiKey: '[redacted]', nested: { password: '[redacted]', token: '[redacted]' } });
    expect(said!.message).toBe('bad key [redacted], token [redacted], [redacted], [redacted], [redacted]');
  });

  it("follows the engine's secrets: a key set through updateSettings or an MCP server's env is gone from the next line", async () => {
    const log = capturing('info');
    logger = log.logger;
    t = await createTestEngine({ logger });
    await logger.secrets.follow(t.engine, {});
    const engine = logger.secrets.watch(t.engine);
    const [settingKey, mcpValue] = [secret('proxy-key'), secret('mcp-value')];
    await engine.updateSettings([{ key: 'openai.apiKey', value: settingKey }]);
    await engine.createMcpServer({ name: 'local', transport: 'STDIO', command: process.execPath, env: { LOCAL_SECRET: mcpValue }, enabled: false });
    logger.error('echoed', { message: `${settingKey} / ${mcpValue}` });
    expect(log.parsed()[0]!.message).toBe('[redacted] / [redacted]');
  });
});
