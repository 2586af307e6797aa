/**
 * Tool grants and tool calls end to end on the engine: the simulator asks for tools of the real
 * filesystem MCP server from the npm registry, and each grant (AUTO, ASK, DENY) does what it says;
 * a call that waits for approval holds the step and the run with nothing in memory, survives a
 * restart, and goes on from its turn; repeated tool failures end the step TOOL_ERROR.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestEngine, type TestEngine } from '@stagent/engine/testing';
import type { ToolGrant } from '../../src/tools/tool-grants.js';
import type { WorkflowDefinitionInput } from '../../src/workflows/definition.js';
import { pinTools } from '../../src/db/tool-call-store.js';
import { inSqlTransaction } from '../../src/db/unit-of-work.js';
import { faultServer, filesystemServer } from '../fixtures/mcp/fixture-configs.js';

const root = mkdtempSync(join(tmpdir(), 'stagent-tools-'));
const secretFile = join(root, 'notes.txt');
const FILE_TEXT = 'The quarterly figure is 42.';
beforeAll(() => writeFileSync(secretFile, FILE_TEXT));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let t: TestEngine | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

async function engineWithFiles(dataDir?: string): Promise<TestEngine> {
  const engine = await createTestEngine(dataDir ? { dataDir } : {});
  const config = filesystemServer(root);
  if ((await engine.engine.listMcpServers()).length === 0)
    await engine.engine.createMcpServer({ name: 'files', transport: 'STDIO', command: config.command!, args: config.args });
  return engine;
}

/** The simulator reads `notes.txt` with the granted tool in turn 1 and answers in turn 2. */
function scriptReading(t: TestEngine, prompt: string, path = secretFile): void {
  t.engine.simulated.script({
    match: prompt,
    script: {
      turns: [{ text: 'Reading the notes.', toolCalls: [{ name: 'mcp__files__read_text_file', input: { path } }] }, { text: 'The notes say 42.' }],
    },
  });
}

function workflow(prompt: string, tools: ToolGrant[]) {
  return { name: `Tools ${prompt}`, pattern: 'SEQUENCE', runtimeId: 'simulated', tools, steps: [{ id: 'read', name: 'Read', prompt }] };
}

describe('tool grants on the engine', () => {
  it('AUTO: the call runs at once, is stored with its output and carried by TOOL_STARTED / TOOL_FINISHED', async () => {
    t = await engineWithFiles();
    scriptReading(t, 'auto read');
    const wf = await t.engine.createWorkflow(workflow('auto read', [{ tool: 'mcp__files__read_text_file', approval: 'AUTO' }]));
    expect(wf.tools).toEqual([{ tool: 'mcp__files__read_text_file', approval: 'AUTO' }]);
    const run = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    expect([run.error, run.steps[0]?.error ?? null]).toEqual([null, null]);
    expect(run.status).toBe('COMPLETED');
    const request = t.engine.simulated.calls.at(-1)!;
    expect(request.tools.map((tool) => tool.name)).toContain('mcp__files__read_text_file');
    expect(request.tools.map((tool) => tool.name)).not.toContain('mcp__files__write_file'); // not granted
    const calls = await t.engine.listToolCalls({ runId: run.id });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      toolName: 'mcp__files__read_text_file',
      status: 'SUCCEEDED',
      approval: 'AUTO',
      stepId: 'read',
      turn: 1,
      input: { path: secretFile },
    });
    expect(calls[0]!.output).toContain(FILE_TEXT);
    expect(calls[0]!.startedAt).not.toBeNull();
    expect(calls[0]!.finishedAt).not.toBeNull();
    const events = await t.engine.listEvents(wf.id, { runId: run.id });
    const finished = events.find((e) => e.kind === 'TOOL_FINISHED')!;
    expect(events.find((e) => e.kind === 'TOOL_STARTED')!.toolCall).toMatchObject({ id: calls[0]!.id, status: 'RUNNING' });
    expect(finished.toolCall).toMatchObject({ id: calls[0]!.id, status: 'SUCCEEDED' });
  });

  it('DENY: the call does not run, the model is told, and the step goes on', async () => {
    t = await engineWithFiles();
    scriptReading(t, 'denied read');
    const wf = await t.engine.createWorkflow(
      workflow('denied read', [
        { tool: 'mcp__files__read_text_file', approval: 'DENY' },
        { tool: 'mcp__files__*', approval: 'AUTO' },
      ]),
    );
    const run = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    expect(run.status).toBe('COMPLETED');
    const [call] = await t.engine.listToolCalls({ runId: run.id });
    expect(call).toMatchObject({ status: 'DENIED', approval: 'DENY', output: null, startedAt: null });
    expect(call!.error).toMatch(/refused by this step's tool grants; it did not run/);
  });

  it('ASK: the run waits with the call stored, and approving it goes on from that turn without calling the model again', async () => {
    t = await engineWithFiles();
    scriptReading(t, 'ask read');
    const wf = await t.engine.createWorkflow(workflow('ask read', [{ tool: 'mcp__files__*', approval: 'ASK' }]));
    const parked = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    expect(parked.status).toBe('WAITING_APPROVAL');
    expect(parked.steps[0]).toMatchObject({ status: 'WAITING_APPROVAL', turns: 1 });
    const [waiting] = await t.engine.listToolCalls({ status: 'WAITING_APPROVAL' });
    expect(waiting).toMatchObject({ runId: parked.id, toolName: 'mcp__files__read_text_file', status: 'WAITING_APPROVAL', approval: 'ASK' });
    const requested = (await t.engine.listEvents(wf.id, { runId: parked.id })).find((e) => e.kind === 'TOOL_APPROVAL_REQUESTED')!;
    expect(requested.toolCall).toMatchObject({ id: waiting!.id, input: { path: secretFile } });
    expect(t.engine.simulated.callsMatching('ask read')).toBe(1);

    const approved = await t.engine.resolveToolCall(waiting!.id, true, 'fine to read');
    expect(approved).toMatchObject({ status: 'RUNNING', comment: 'fine to read' });
    const done = await t.engine.waitForRun(parked.id);
    expect(done.status).toBe('COMPLETED');
    // The second task resumed at turn 1 and played only turn 2: one model call per turn in all.
    const resumed = t.engine.simulated.calls.at(-1)!;
    expect(resumed.resume).toMatchObject({ turn: 1, decisions: { [Object.keys(resumed.resume!.decisions)[0]!]: { approved: true } } });
    expect(done.steps[0]).toMatchObject({ status: 'COMPLETED', turns: 2 });
    expect(done.steps[0]!.output).toContain('Reading the notes.');
    expect(done.steps[0]!.output).toContain('The notes say 42.');
    const [call] = await t.engine.listToolCalls({ runId: parked.id });
    expect(call).toMatchObject({ id: waiting!.id, status: 'SUCCEEDED', comment: 'fine to read' });
    expect(call!.output).toContain(FILE_TEXT);
    const kinds = (await t.engine.listEvents(wf.id, { runId: parked.id })).map((e) => e.kind);
    expect(kinds).toContain('TOOL_APPROVAL_RESOLVED');
    expect(kinds.filter((k) => k === 'USAGE')).toHaveLength(2);
  });

  it('ASK then deny: the model gets the refusal with the comment; the file is not read', async () => {
    t = await engineWithFiles();
    scriptReading(t, 'deny by person');
    const wf = await t.engine.createWorkflow(workflow('deny by person', [{ tool: 'mcp__files__read_text_file', approval: 'ASK' }]));
    const parked = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    const [waiting] = await t.engine.listToolCalls({ runId: parked.id });
    const denied = await t.engine.resolveToolCall(waiting!.id, false, 'not that file');
    expect(denied).toMatchObject({ status: 'DENIED', comment: 'not that file' });
    const done = await t.engine.waitForRun(parked.id);
    expect(done.status).toBe('COMPLETED');
    const [call] = await t.engine.listToolCalls({ runId: parked.id });
    expect(call).toMatchObject({ status: 'DENIED', output: null, startedAt: null });
    await expect(t.engine.resolveToolCall(waiting!.id, true)).rejects.toMatchObject({ code: 'NOT_APPLICABLE', field: ['id'] });
  });

  it('a waiting call survives a restart of the engine, and approving it then finishes the run', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stagent-tools-restart-'));
    try {
      t = await engineWithFiles(dataDir);
      scriptReading(t, 'restart read');
      const wf = await t.engine.createWorkflow(workflow('restart read', [{ tool: 'mcp__files__read_text_file', approval: 'ASK' }]));
      const runId = (await t.engine.executeWorkflow(wf.id)).run.id;
      expect((await t.engine.waitForRun(runId)).status).toBe('WAITING_APPROVAL');
      await t.close();

      t = await engineWithFiles(dataDir);
      scriptReading(t, 'restart read');
      const run = await t.engine.getRun(runId);
      expect(run?.status).toBe('WAITING_APPROVAL');
      const [waiting] = await t.engine.listToolCalls({ status: 'WAITING_APPROVAL' });
      expect(waiting?.runId).toBe(runId);
      await t.engine.resolveToolCall(waiting!.id, true, null);
      const done = await t.engine.waitForRun(runId);
      expect(done.status).toBe('COMPLETED');
      // This engine made one model call: turn 2. Turn 1 was paid before the restart, once.
      expect(t.engine.simulated.calls).toHaveLength(1);
      expect(t.engine.simulated.calls[0]!.resume?.turn).toBe(1);
      expect(done.steps[0]!.turns).toBe(2);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('a granted tool whose description or schema changed since it was granted asks again (AUTO becomes ASK) until a person approves a call', async () => {
    t = await engineWithFiles();
    scriptReading(t, 'changed tool');
    const wf = await t.engine.createWorkflow(workflow('changed tool', [{ tool: 'mcp__files__read_text_file', approval: 'AUTO' }]));
    // What was accepted earlier differs from what the server describes now (a poisoned description, say).
    await inSqlTransaction(t.engine.resources, (uow) => pinTools(uow.sql, [{ name: 'mcp__files__read_text_file', fingerprint: 'sha256:earlier' }], 0));
    const parked = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    expect(parked.status).toBe('WAITING_APPROVAL');
    const [waiting] = await t.engine.listToolCalls({ status: 'WAITING_APPROVAL' });
    await t.engine.resolveToolCall(waiting!.id, true, 'checked the new description');
    expect((await t.engine.waitForRun(parked.id)).status).toBe('COMPLETED');
    // The approval accepted the tool as it is now: the next run calls it at once.
    const next = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    expect(next.status).toBe('COMPLETED');
    expect((await t.engine.listToolCalls({ runId: next.id }))[0]).toMatchObject({ approval: 'AUTO', status: 'SUCCEEDED' });
  });

  it("a tool result that carries an MCP server's own secret reaches neither the model nor the store", async () => {
    t = await engineWithFiles();
    const faults = faultServer();
    await t.engine.createMcpServer({
      name: 'faults',
      transport: 'STDIO',
      command: faults.command!,
      args: faults.args,
      env: { FAULTS_TOKEN: 'tok-7f3a9c2e11' },
    });
    const wf = await t.engine.createWorkflow({
      ...workflow('', [{ tool: 'mcp__faults__echo', approval: 'AUTO' }]),
      steps: [{ id: 'echo', name: 'Echo', prompt: 'Echo it.\n/tool mcp__faults__echo {"text": "the token is tok-7f3a9c2e11"}' }],
    });
    const run = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    expect(run.status).toBe('COMPLETED');
    const [call] = await t.engine.listToolCalls({ runId: run.id });
    expect(call!.output).toBe('the token is [redacted]');
    // (The input holds it: the prompt gave it to the model here. What the tool returned does not.)
    const finished = (await t.engine.listEvents(wf.id, { runId: run.id })).find((e) => e.kind === 'TOOL_FINISHED')!;
    expect(finished.toolCall!.output).toBe('the token is [redacted]');
  });

  it('PARALLEL: a branch whose call is resolved while another branch still runs goes on when that branch ends, rather than parking the run with nobody to resume it', async () => {
    t = await engineWithFiles();
    scriptReading(t, 'branch asks');
    t.engine.simulated.script({ match: 'slow branch', script: { latencyMs: 1000, turns: [{ text: 'Slow branch done.' }] } });
    const wf = await t.engine.createWorkflow({
      name: 'parallel asks',
      pattern: 'PARALLEL',
      runtimeId: 'simulated',
      tools: [{ tool: 'mcp__files__read_text_file', approval: 'ASK' }],
      steps: [
        { id: 'ask', name: 'Ask', prompt: 'branch asks' },
        { id: 'slow', name: 'Slow', prompt: 'slow branch' },
        { id: 'merge', name: 'Merge', prompt: 'Merge the branches.' },
      ],
    });
    const runId = (await t.engine.executeWorkflow(wf.id)).run.id;
    const until = Date.now() + 10_000;
    let waiting = (await t.engine.listToolCalls({ runId, status: 'WAITING_APPROVAL' }))[0];
    while (!waiting) {
      if (Date.now() > until) throw new Error('the call never waited');
      await new Promise((resolve) => setTimeout(resolve, 20));
      waiting = (await t.engine.listToolCalls({ runId, status: 'WAITING_APPROVAL' }))[0];
    }
    expect((await t.engine.getRun(runId))?.status).toBe('RUNNING'); // the slow branch is still running
    await t.engine.resolveToolCall(waiting.id, true);
    // Let the slow branch stream its four chunks (the engine's clock drives the simulator's latency).
    for (let i = 0; i < 10 && (await t.engine.getRun(runId))?.status === 'RUNNING'; i++) {
      await t.clock.advance(1000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const done = await t.engine.waitForRun(runId);
    expect(done.status).toBe('COMPLETED');
    expect(done.steps.map((s) => s.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    expect((await t.engine.listToolCalls({ runId }))[0]).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('cancelling a run that waits for a tool approval cancels the call too', async () => {
    t = await engineWithFiles();
    scriptReading(t, 'cancel read');
    const wf = await t.engine.createWorkflow(workflow('cancel read', [{ tool: 'mcp__files__read_text_file', approval: 'ASK' }]));
    const runId = (await t.engine.executeWorkflow(wf.id)).run.id;
    await t.engine.waitForRun(runId);
    await t.engine.cancelWorkflow(wf.id);
    expect((await t.engine.getRun(runId))?.status).toBe('CANCELLED');
    const [call] = await t.engine.listToolCalls({ runId });
    expect(call).toMatchObject({ status: 'CANCELLED' });
    expect((await t.engine.listEvents(wf.id, { runId })).some((e) => e.kind === 'TOOL_APPROVAL_RESOLVED' && e.toolCall?.status === 'CANCELLED')).toBe(true);
  });

  it('tool calls that keep failing end the step TOOL_ERROR with the tool and its error as evidence', async () => {
    t = await engineWithFiles();
    const missing = join(root, 'missing.txt');
    const call = { name: 'mcp__files__read_text_file', input: { path: missing } };
    t.engine.simulated.script({
      match: 'failing read',
      script: { turns: [{ toolCalls: [call] }, { toolCalls: [call] }, { toolCalls: [call] }, { text: 'never reached' }] },
    });
    const wf = await t.engine.createWorkflow(workflow('failing read', [{ tool: 'mcp__files__*', approval: 'AUTO' }]));
    const run = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    expect(run.status).toBe('FAILED');
    expect(run.steps[0]).toMatchObject({ status: 'FAILED', failureCategory: 'TOOL_ERROR' });
    const calls = await t.engine.listToolCalls({ runId: run.id });
    expect(calls.map((c) => c.status)).toEqual(['FAILED', 'FAILED', 'FAILED']);
    const analysis = await t.engine.debugAnalysis(wf.id);
    expect(analysis?.rootCause).toMatchObject({ category: 'TOOL_ERROR' });
    expect(analysis?.rootCause?.evidence).toContain('mcp__files__read_text_file');
    expect(analysis?.rootCause?.evidence).toMatch(/ENOENT|not found|no such file|outside allowed/i);
  });

  it('grants naming an unknown server or tool, a malformed pattern or a repeat are refused with their field; nothing is stored', async () => {
    t = await engineWithFiles();
    const before = (await t.engine.listWorkflows()).totalCount;
    const problems = async (input: WorkflowDefinitionInput) => {
      const error = (await t!.engine.createWorkflow(input).catch((e: unknown) => e)) as { issues: { field?: string[]; code: string; message: string }[] };
      return Object.fromEntries(error.issues.map((e) => [e.field!.join('.'), e]));
    };
    const references = await problems(
      workflow('bad grants', [
        { tool: 'mcp__nope__read', approval: 'AUTO' },
        { tool: 'mcp__files__no_such_tool', approval: 'ASK' },
        { tool: 'mcp__nope__read', approval: 'DENY' },
      ]),
    );
    expect(references['tools.0.tool']).toMatchObject({ code: 'NOT_FOUND' });
    expect(references['tools.0.tool']!.message).toContain('Registered: files');
    expect(references['tools.1.tool']).toMatchObject({ code: 'NOT_FOUND' });
    expect(references['tools.1.tool']!.message).toContain('read_text_file');
    expect(references['tools.2.tool']!.message).toContain('granted twice');
    const shapes = await problems({
      ...workflow('bad shapes', [{ tool: 'read_text_file', approval: 'AUTO' }]),
      steps: [{ id: 'read', name: 'Read', prompt: 'x', tools: [{ tool: 'mcp__files__*', approval: 'SOMETIMES' as never }] }],
    });
    expect(shapes['tools.0.tool']!.message).toContain('mcp__<server>__<tool>');
    expect(shapes['steps.0.tools.0.approval']!.message).toContain('AUTO, ASK, DENY');
    // claude-code's CLI owns its loop: a step there cannot stop to wait, so ASK is refused where it is written.
    const onClaudeCode = await problems({
      ...workflow('ask on claude-code', [{ tool: 'mcp__files__*', approval: 'ASK' }]),
      steps: [{ id: 'read', name: 'Read', prompt: 'x', runtimeId: 'claude-code', tools: [{ tool: 'mcp__files__read_text_file', approval: 'ASK' }] }],
    });
    expect(onClaudeCode['tools.0.approval']!.message).toContain('cannot pause a step');
    expect(onClaudeCode['steps.0.tools.0.approval']!.message).toContain('use AUTO or DENY');
    const reserved = (await t.engine.createMcpServer({ name: 'stagent', transport: 'STDIO', command: process.execPath }).catch((e: unknown) => e)) as {
      issues: { field?: string[]; message: string }[];
    };
    expect(reserved.issues[0]).toMatchObject({ field: ['name'] });
    expect(reserved.issues[0]!.message).toContain('reserved');
    expect((await t.engine.listWorkflows()).totalCount).toBe(before);
  });
});
