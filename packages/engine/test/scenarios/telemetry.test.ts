/**
 * What the engine reports to its telemetry (issue #18): one record per model call, tool call,
 * step attempt and run, after each was recorded, with the ledger's numbers; with tracing on, ids
 * that form one tree per run (run → step → model call → tool call) in a trace derived from the
 * run id; with tracing off, no ids at all.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestEngine, type TestEngine } from '@stagent/engine/testing';
import {
  runTraceContext,
  taskTraceId,
  type EngineTelemetry,
  type ModelCallRecord,
  type RunRecord,
  type StepRecord,
  type TaskRecord,
  type ToolCallRecord,
} from '../../src/observability/telemetry.js';
import { UsageLedgerSchema } from '../../src/db/entities/usage-ledger.entity.js';

/** A telemetry consumer that keeps every record. */
function recording(tracing: boolean) {
  const seen = {
    modelCalls: [] as ModelCallRecord[],
    toolCalls: [] as ToolCallRecord[],
    steps: [] as StepRecord[],
    runs: [] as RunRecord[],
    tasks: [] as TaskRecord[],
  };
  const telemetry: EngineTelemetry = {
    tracing,
    modelCall: (r) => seen.modelCalls.push(r),
    toolCall: (r) => seen.toolCalls.push(r),
    stepEnded: (r) => seen.steps.push(r),
    runEnded: (r) => seen.runs.push(r),
    taskEnded: (r) => seen.tasks.push(r),
  };
  return { telemetry, seen };
}

let t: TestEngine;
afterEach(async () => {
  await t?.close();
});

/** A three-step run whose second step searches its one bound document (one tool call). */
async function threeStepsWithOneToolCall(): Promise<{ workflowId: string; runId: string }> {
  const doc = await t.engine.createDocument({ name: 'Notes.md', mimeType: 'text/markdown', content: 'Revenue grew 12% in Q3.' });
  const wf = await t.engine.createWorkflow({
    name: 'Traced',
    pattern: 'SEQUENCE',
    runtimeId: 'simulated',
    budgetUsd: 3,
    steps: [
      { id: 'a', name: 'Gather', prompt: 'Gather the facts.' },
      { id: 'b', name: 'Search', prompt: 'Find the revenue figure.', documentIds: [doc.id] },
      { id: 'c', name: 'Report', prompt: 'Write the report.' },
    ],
  });
  const started = await t.engine.executeWorkflow(wf.id);
  const run = await t.engine.waitForRun(started.run.id);
  expect(run.status).toBe('COMPLETED');
  return { workflowId: wf.id, runId: run.id };
}

describe('engine telemetry', () => {
  it('reports a 3-step run with one tool call as one trace: run → steps → model calls → the tool call, with the ledger numbers', async () => {
    const { telemetry, seen } = recording(true);
    t = await createTestEngine({ telemetry });
    const { workflowId, runId } = await threeStepsWithOneToolCall();
    const { traceId, runSpanId } = runTraceContext(runId);

    expect(seen.runs).toHaveLength(1);
    expect(seen.runs[0]).toMatchObject({ runId, workflowId, workflowName: 'Traced', status: 'COMPLETED', pattern: 'SEQUENCE', budgetUsd: 3 });
    expect(seen.runs[0]!.span).toEqual({ traceId, spanId: runSpanId, parentSpanId: null });

    expect(seen.steps.map((s) => [s.stepName, s.status])).toEqual([
      ['Gather', 'COMPLETED'],
      ['Search', 'COMPLETED'],
      ['Report', 'COMPLETED'],
    ]);
    for (const step of seen.steps) expect(step.span).toMatchObject({ traceId, parentSpanId: runSpanId });

    const ledger = await t.engine.resources.orm.em.fork().find(UsageLedgerSchema, { runId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    expect(seen.modelCalls).toHaveLength(ledger.length);
    expect(seen.modelCalls).toHaveLength(4); // the search step calls the model twice: the search, then the answer
    seen.modelCalls.forEach((call, i) => {
      const row = ledger[i]!;
      expect(call).toMatchObject({
        taskKind: 'STEP',
        runId,
        runtimeId: 'simulated',
        provider: 'stagent.simulated',
        model: row.modelId,
        inputTokens: row.inputTokens,
        outputTokens: row.outputTokens,
        costUsd: row.costMicros / 1e6,
      });
      const step = seen.steps.find((s) => s.stepId === call.stepId)!;
      expect(call.span).toMatchObject({ traceId, parentSpanId: step.span!.spanId });
    });
    const totalUsd = ledger.reduce((sum, row) => sum + row.costMicros, 0) / 1e6;
    expect(seen.runs[0]!.costUsd).toBeCloseTo(totalUsd, 9);

    expect(seen.toolCalls).toHaveLength(1);
    const tool = seen.toolCalls[0]!;
    expect(tool).toMatchObject({ toolName: 'search_documents', status: 'SUCCEEDED', stepId: 'b', taskKind: 'STEP' });
    const asking = seen.modelCalls.find((c) => c.stepId === 'b' && c.turn === 1)!;
    expect(tool.span).toMatchObject({ traceId, parentSpanId: asking.span!.spanId });

    // Every span id is distinct and 16 hex characters; the trace id 32.
    const ids = [...seen.runs, ...seen.steps, ...seen.modelCalls, ...seen.toolCalls].map((r) => r.span!.spanId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('with tracing off, reports the same records without any ids', async () => {
    const { telemetry, seen } = recording(false);
    t = await createTestEngine({ telemetry });
    await threeStepsWithOneToolCall();
    expect(seen.runs).toHaveLength(1);
    expect(seen.steps).toHaveLength(3);
    expect(seen.modelCalls).toHaveLength(4);
    expect(seen.toolCalls).toHaveLength(1);
    for (const r of [...seen.runs, ...seen.steps, ...seen.modelCalls, ...seen.toolCalls]) expect(r.span).toBeNull();
  });

  it("reports a failed step and run with the failure category, and a cancelled run's end", async () => {
    const { telemetry, seen } = recording(true);
    t = await createTestEngine({ telemetry });
    t.engine.simulated.script({ match: 'Break here', script: { failAt: { turn: 1, category: 'RATE_LIMITED' } } });
    const wf = await t.engine.createWorkflow({
      name: 'Breaks',
      pattern: 'SEQUENCE',
      runtimeId: 'simulated',
      steps: [{ id: 'x', name: 'X', prompt: 'Break here.' }],
    });
    const run = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    expect(run.status).toBe('FAILED');
    expect(seen.steps[0]).toMatchObject({ status: 'FAILED', failureCategory: 'RATE_LIMITED' });
    expect(seen.runs[0]).toMatchObject({ status: 'FAILED', failureCategory: 'RATE_LIMITED' });
  });

  it('an assistant answer is the root of its own trace (from its task id), its model calls its children', async () => {
    const { telemetry, seen } = recording(true);
    t = await createTestEngine({ telemetry });
    const sent = await t.engine.assistant.send({ content: 'list workflows', runtimeId: 'simulated' }, () => []);
    for (let i = 0; i < 200 && (await t.engine.assistant.conversation(sent.conversation.id))!.messages[1]!.status === 'STREAMING'; i++)
      await new Promise((r) => setTimeout(r, 5));
    expect(seen.modelCalls.length).toBeGreaterThan(0);
    // The answer's task is the root of its trace; its model calls are its children.
    expect(seen.tasks).toHaveLength(1);
    const task = seen.tasks[0]!;
    expect(task).toMatchObject({ taskKind: 'ASSISTANT', status: 'COMPLETED', runtimeId: 'simulated' });
    expect(task.span).toMatchObject({ traceId: taskTraceId(task.taskId), parentSpanId: null });
    expect(task.costUsd).toBeCloseTo(
      seen.modelCalls.reduce((sum, c) => sum + (c.costUsd ?? 0), 0),
      9,
    );
    for (const call of seen.modelCalls) {
      expect(call).toMatchObject({ taskKind: 'ASSISTANT', taskId: task.taskId, runId: null, workflowId: null });
      expect(call.span).toMatchObject({ traceId: task.span!.traceId, parentSpanId: task.span!.spanId });
    }
    // Workflow steps report as step attempts, never as tasks.
    expect(seen.steps).toHaveLength(0);
  });
});
