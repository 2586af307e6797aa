/**
 * Traces over OTLP (issue #18): startTracing is off without the standard variables; with them,
 * each engine record becomes one span with exactly the engine's ids, times and status, received
 * by a loopback OTLP/HTTP receiver (JSON protocol). A 3-step run with one tool call on
 * anthropic-direct (the real Anthropic SDK against the provider emulator) arrives as one tree:
 * run → steps → model calls → the tool call, the GenAI attributes equal to the usage ledger's rows.
 */
import { trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runTraceContext, type ModelCallRecord, type RunRecord, type StepRecord, type ToolCallRecord } from '@stagent/engine';
import { createTestEngine, scripted, startProviderEmulator, type ProviderEmulator, type TestEngine } from '@stagent/engine/testing';
import { ConfigError } from '../src/config.js';
import { otlpTracesEndpoint, startTracing, type Tracing } from '../src/telemetry/tracing.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './fixtures/otlp-receiver.js';

const KIND_INTERNAL = 1;
const KIND_CLIENT = 3;
const STATUS_UNSET = 0;
const STATUS_ERROR = 2;

let receiver: OtlpReceiver;
let tracing: Tracing | null = null;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  await receiver.close();
});
afterEach(async () => {
  // The SDK registers process-wide providers: every test leaves none behind.
  await tracing?.shutdown();
  tracing = null;
  receiver.reset();
});

/** The standard variables of a JSON export to the receiver. */
function jsonEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', ...extra };
}

function started(env: NodeJS.ProcessEnv): Tracing {
  tracing = startTracing(env);
  expect(tracing).not.toBeNull();
  return tracing!;
}

const byName = (spans: ReceivedSpan[], name: string) => spans.filter((s) => s.name === name);
const nanos = (ms: number) => BigInt(ms) * 1_000_000n;

describe('startTracing', () => {
  it('is off (null) without an OTLP endpoint, with OTEL_SDK_DISABLED=true and with OTEL_TRACES_EXPORTER=none', () => {
    expect(startTracing({})).toBeNull();
    expect(startTracing({ OTEL_SERVICE_NAME: 'x', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toBeNull();
    expect(startTracing(jsonEnv({ OTEL_SDK_DISABLED: 'true' }))).toBeNull();
    expect(startTracing(jsonEnv({ OTEL_SDK_DISABLED: 'TRUE' }))).toBeNull();
    expect(startTracing(jsonEnv({ OTEL_TRACES_EXPORTER: 'none' }))).toBeNull();
    expect(startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' })).toBeNull();
  });

  it('names the endpoint the SDK exports to: the shared one plus /v1/traces over HTTP, the traces one as it is', () => {
    expect(otlpTracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toBe('http://collector:4318/v1/traces');
    expect(otlpTracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toBe('http://collector:4317');
    expect(otlpTracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/traces' })).toBe(
      'http://b:4318/traces',
    );
    expect(otlpTracesEndpoint({ OTEL_SDK_DISABLED: 'false', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/traces' })).toBe('http://b:4318/traces');
  });

  it('exports http/protobuf by default, with the headers of OTEL_EXPORTER_OTLP_HEADERS, and refuses a second SDK in the process', async () => {
    const t = started({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer secret-token' });
    expect(() => startTracing(jsonEnv())).toThrow(ConfigError);
    t.telemetry.runEnded(runRecord({ status: 'COMPLETED' }));
    await t.forceFlush();
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]).toMatchObject({ contentType: 'application/x-protobuf', headers: { authorization: 'Bearer secret-token' } });
    // The variables were read from the env given, not left in process.env.
    expect(process.env.OTEL_EXPORTER_OTLP_HEADERS).toBeUndefined();
  });
});

describe('what is recorded', () => {
  it("records the engine's spans only: a span a library starts on its own is dropped", async () => {
    const t = started(jsonEnv());
    trace.getTracer('some-library').startSpan('library call').end();
    t.telemetry.runEnded(runRecord());
    await t.forceFlush();
    expect((await receiver.waitForSpans(1)).map((s) => s.name)).toEqual(['run Traced']);
  });

  it("spans of one run made on two instances form one tree; each instance's resource from OTEL_RESOURCE_ATTRIBUTES", async () => {
    // The step ran on instance a, which stopped; instance b took the run over and ended it.
    const a = started(jsonEnv({ OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=a' }));
    a.telemetry.stepEnded(stepRecord());
    await a.shutdown();
    const b = started(jsonEnv({ OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=b' }));
    b.telemetry.runEnded(runRecord());
    await b.forceFlush();
    const [step, run] = await receiver.waitForSpans(2);
    expect(step).toMatchObject({ traceId: TRACE.traceId, parentSpanId: TRACE.runSpanId, resource: { 'service.instance.id': 'a', 'service.name': 'stagent' } });
    expect(run).toMatchObject({ traceId: TRACE.traceId, spanId: TRACE.runSpanId, resource: { 'service.instance.id': 'b', 'service.name': 'stagent' } });
  });

  it('OTEL_TRACES_SAMPLER=always_off records nothing; traceidratio keeps or drops a trace whole', async () => {
    const off = started(jsonEnv({ OTEL_TRACES_SAMPLER: 'always_off' }));
    off.telemetry.runEnded(runRecord());
    await off.forceFlush();
    expect(receiver.requests).toHaveLength(0);
    await off.shutdown();

    const half = started(jsonEnv({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' }));
    for (let i = 0; i < 20; i++) {
      const { traceId, runSpanId } = runTraceContext(`run_${i}`);
      half.telemetry.stepEnded(stepRecord({ span: { traceId, spanId: STEP_SPAN, parentSpanId: runSpanId } }));
      half.telemetry.runEnded(runRecord({ span: { traceId, spanId: runSpanId, parentSpanId: null } }));
    }
    await half.forceFlush();
    const kept = receiver.spans;
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(40);
    for (const traceId of new Set(kept.map((s) => s.traceId))) expect(kept.filter((s) => s.traceId === traceId)).toHaveLength(2);
  });
});

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const TRACE = runTraceContext('run_1');
const STEP_SPAN = 'a1a1a1a1a1a1a1a1';
const CALL_SPAN = 'b2b2b2b2b2b2b2b2';
const TOOL_SPAN = 'c3c3c3c3c3c3c3c3';
const ids = { workflowId: 'wf_1', runId: 'run_1', stepId: 'search' };

function runRecord(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    span: { traceId: TRACE.traceId, spanId: TRACE.runSpanId, parentSpanId: null },
    ...ids,
    workflowName: 'Traced',
    runNumber: 7,
    pattern: 'SEQUENCE',
    status: 'FAILED',
    failureCategory: 'TOOL_ERROR',
    costUsd: 0.0123,
    budgetUsd: 2,
    startedAt: T0,
    endedAt: T0 + 9_000,
    ...overrides,
  };
}

function stepRecord(overrides: Partial<StepRecord> = {}): StepRecord {
  return {
    span: { traceId: TRACE.traceId, spanId: STEP_SPAN, parentSpanId: TRACE.runSpanId },
    ...ids,
    stepName: 'Search',
    attempt: 2,
    status: 'FAILED',
    failureCategory: 'TOOL_ERROR',
    runtimeId: 'anthropic-direct',
    model: 'claude-x',
    costUsd: 0.0123,
    budgetUsd: 0.5,
    inputTokens: 1200,
    outputTokens: 80,
    cacheReadTokens: 300,
    cacheWriteTokens: 0,
    turns: 1,
    startedAt: T0 + 1_000,
    endedAt: T0 + 8_000,
    ...overrides,
  };
}

describe('the span consumer, on hand-made records', () => {
  it('makes one span per record with exactly its ids, parent, times, kind, status and attributes', async () => {
    const t = started(jsonEnv({ OTEL_SERVICE_NAME: 'stagent-test' }));
    const step = stepRecord();
    const call: ModelCallRecord = {
      span: { traceId: TRACE.traceId, spanId: CALL_SPAN, parentSpanId: STEP_SPAN },
      taskKind: 'STEP',
      taskId: 'task_1',
      ...ids,
      runtimeId: 'anthropic-direct',
      provider: 'anthropic',
      model: 'claude-x',
      turn: 1,
      inputTokens: 1200,
      outputTokens: 80,
      cacheReadTokens: 300,
      cacheWriteTokens: 400,
      costUsd: 0.0123,
      budgetUsd: 0.5,
      startedAt: T0 + 1_500,
      endedAt: T0 + 3_250,
    };
    const tool: ToolCallRecord = {
      span: { traceId: TRACE.traceId, spanId: TOOL_SPAN, parentSpanId: CALL_SPAN },
      taskKind: 'STEP',
      taskId: 'task_1',
      ...ids,
      toolCallId: 'toolu_7',
      toolName: 'search_documents',
      status: 'TIMED_OUT',
      startedAt: T0 + 3_300,
      endedAt: T0 + 7_300,
    };
    // Children first, the run last, as the engine reports them; a record without ids makes no span.
    t.telemetry.modelCall(call);
    t.telemetry.toolCall(tool);
    t.telemetry.toolCall({ ...tool, span: null });
    t.telemetry.stepEnded(step);
    t.telemetry.runEnded(runRecord());
    await t.forceFlush();
    const spans = await receiver.waitForSpans(4);
    expect(spans).toHaveLength(4);

    const [run] = byName(spans, 'run Traced');
    expect(run).toMatchObject({ traceId: TRACE.traceId, spanId: TRACE.runSpanId, parentSpanId: null, kind: KIND_INTERNAL });
    expect(run!.status).toEqual({ code: STATUS_ERROR, message: 'TOOL_ERROR' });
    expect([run!.startTimeUnixNano, run!.endTimeUnixNano]).toEqual([nanos(T0), nanos(T0 + 9_000)]);
    expect(run!.attributes).toEqual({
      'stagent.workflow.id': 'wf_1',
      'stagent.workflow.name': 'Traced',
      'stagent.run.id': 'run_1',
      'stagent.run.number': 7,
      'stagent.pattern': 'SEQUENCE',
      'stagent.status': 'FAILED',
      'stagent.failure_category': 'TOOL_ERROR',
      'error.type': 'TOOL_ERROR',
      'stagent.cost_usd': 0.0123,
      'stagent.budget_usd': 2,
    });
    expect(run!.resource).toMatchObject({ 'service.name': 'stagent-test', 'service.version': '0.1.0' });
    expect(run!.scope).toBe('@stagent/api');

    const [stepSpan] = byName(spans, 'step Search');
    expect(stepSpan).toMatchObject({ traceId: TRACE.traceId, spanId: STEP_SPAN, parentSpanId: TRACE.runSpanId, kind: KIND_INTERNAL });
    expect(stepSpan!.status).toEqual({ code: STATUS_ERROR, message: 'TOOL_ERROR' });
    expect(stepSpan!.attributes).toMatchObject({
      'stagent.step.id': 'search',
      'stagent.step.attempt': 2,
      'stagent.failure_category': 'TOOL_ERROR',
      'stagent.runtime.id': 'anthropic-direct',
      'gen_ai.request.model': 'claude-x',
      'stagent.budget_usd': 0.5,
      'gen_ai.usage.input_tokens': 1500, // cached tokens included, as on its model calls
      'gen_ai.usage.cache_read.input_tokens': 300,
      'gen_ai.usage.output_tokens': 80,
      'stagent.turns': 1,
    });

    const [callSpan] = byName(spans, 'chat claude-x');
    expect(callSpan).toMatchObject({ traceId: TRACE.traceId, spanId: CALL_SPAN, parentSpanId: STEP_SPAN, kind: KIND_CLIENT, status: { code: STATUS_UNSET } });
    expect([callSpan!.startTimeUnixNano, callSpan!.endTimeUnixNano]).toEqual([nanos(T0 + 1_500), nanos(T0 + 3_250)]);
    expect(callSpan!.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-x',
      'gen_ai.usage.input_tokens': 1900, // cached tokens included, as the conventions count them
      'gen_ai.usage.output_tokens': 80,
      'gen_ai.usage.cache_read.input_tokens': 300,
      'gen_ai.usage.cache_creation.input_tokens': 400,
      'stagent.cost_usd': 0.0123,
      'stagent.budget_usd': 0.5,
      'stagent.task.id': 'task_1',
      'stagent.task.kind': 'STEP',
      'stagent.turn': 1,
      'stagent.runtime.id': 'anthropic-direct',
      'stagent.workflow.id': 'wf_1',
      'stagent.run.id': 'run_1',
      'stagent.step.id': 'search',
    });

    const [toolSpan] = byName(spans, 'execute_tool search_documents');
    expect(toolSpan).toMatchObject({ traceId: TRACE.traceId, spanId: TOOL_SPAN, parentSpanId: CALL_SPAN, kind: KIND_INTERNAL });
    expect(toolSpan!.status).toEqual({ code: STATUS_ERROR, message: 'TIMED_OUT' });
    expect(toolSpan!.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'search_documents',
      'gen_ai.tool.call.id': 'toolu_7',
      'stagent.tool.status': 'TIMED_OUT',
    });
  });

  it("an assistant answer is the root span of its task's trace; its model calls are children, without run ids or an unknown price", async () => {
    const t = started(jsonEnv());
    t.telemetry.modelCall({
      span: { traceId: 'd'.repeat(32), spanId: 'e'.repeat(16), parentSpanId: 'f'.repeat(16) },
      taskKind: 'ASSISTANT',
      taskId: 'task_9',
      workflowId: null,
      runId: null,
      stepId: null,
      runtimeId: 'ollama',
      provider: 'ollama',
      model: 'mystery',
      turn: 3,
      inputTokens: 10,
      outputTokens: 5,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costUsd: null,
      budgetUsd: 1,
      startedAt: T0,
      endedAt: T0 + 10,
    });
    t.telemetry.taskEnded({
      span: { traceId: 'd'.repeat(32), spanId: 'f'.repeat(16), parentSpanId: null },
      taskKind: 'ASSISTANT',
      taskId: 'task_9',
      runtimeId: 'ollama',
      model: 'mystery',
      status: 'WAITING_APPROVAL',
      failureCategory: null,
      costUsd: 0,
      budgetUsd: 1,
      inputTokens: 10,
      outputTokens: 5,
      turns: 3,
      startedAt: T0 - 5,
      endedAt: T0 + 20,
    });
    await t.forceFlush();
    const spans = await receiver.waitForSpans(2);
    const [span] = byName(spans, 'chat mystery');
    expect(span).toMatchObject({ traceId: 'd'.repeat(32), spanId: 'e'.repeat(16), parentSpanId: 'f'.repeat(16) });
    expect(Object.keys(span!.attributes).filter((k) => /workflow|run\.|step|cost/.test(k))).toEqual([]);
    const [answer] = byName(spans, 'assistant answer');
    expect(answer).toMatchObject({ traceId: 'd'.repeat(32), spanId: 'f'.repeat(16), parentSpanId: null, kind: KIND_INTERNAL });
    expect(answer!.attributes).toMatchObject({
      'stagent.task.id': 'task_9',
      'stagent.task.kind': 'ASSISTANT',
      'stagent.status': 'WAITING_APPROVAL',
      'gen_ai.request.model': 'mystery',
      'gen_ai.usage.input_tokens': 10,
      'stagent.budget_usd': 1,
    });
  });
});

describe('a run through the engine', () => {
  let emu: ProviderEmulator;
  let engine: TestEngine | null = null;
  beforeAll(async () => {
    emu = await startProviderEmulator();
  });
  afterAll(async () => {
    await emu.close();
  });
  afterEach(async () => {
    await engine?.close();
    engine = null;
  });

  it('a 3-step run with one tool call on anthropic-direct reaches the receiver as one tree with the ledger numbers', async () => {
    const t = started(jsonEnv());
    engine = await createTestEngine({
      telemetry: t.telemetry,
      env: { ANTHROPIC_BASE_URL: emu.url, ANTHROPIC_API_KEY: 'sk-ant-test' },
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
    });
    const e = engine.engine;
    emu.script(
      'anthropic',
      scripted.text('Facts gathered.', { inputTokens: 1000, outputTokens: 40 }),
      scripted.toolCalls([{ id: 'toolu_1', name: 'search_documents', input: { query: 'revenue' } }], {
        inputTokens: 1500,
        outputTokens: 30,
        cacheWriteTokens: 700,
      }),
      scripted.text('Revenue grew 12%.', { inputTokens: 1600, outputTokens: 20, cacheReadTokens: 700 }),
      scripted.text('The report.', { inputTokens: 900, outputTokens: 60 }),
    );
    const doc = await e.createDocument({ name: 'Notes.md', mimeType: 'text/markdown', content: 'Revenue grew 12% in Q3.' });
    const wf = await e.createWorkflow({
      name: 'Traced',
      pattern: 'SEQUENCE',
      runtimeId: 'anthropic-direct',
      budgetUsd: 3,
      steps: [
        { id: 'a', name: 'Gather', prompt: 'Gather the facts.' },
        { id: 'b', name: 'Search', prompt: 'Find the revenue figure.', documentIds: [doc.id] },
        { id: 'c', name: 'Report', prompt: 'Write the report.' },
      ],
    });
    const run = await e.waitForRun((await e.executeWorkflow(wf.id)).run.id);
    expect(run.status).toBe('COMPLETED');
    await t.forceFlush();
    const spans = await receiver.waitForSpans(9); // 1 run, 3 steps, 4 model calls, 1 tool call
    // Only the engine's spans: the Anthropic SDK's own call spans (outside the run's trace) are dropped.
    expect(spans).toHaveLength(9);

    const { traceId, runSpanId } = runTraceContext(run.id);
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([traceId]));
    expect(new Set(spans.map((s) => s.spanId)).size).toBe(9);
    const roots = spans.filter((s) => s.parentSpanId === null);
    expect(roots.map((s) => [s.name, s.spanId])).toEqual([['run Traced', runSpanId]]);
    expect(roots[0]!.attributes).toMatchObject({ 'stagent.run.id': run.id, 'stagent.status': 'COMPLETED', 'stagent.budget_usd': 3 });

    const steps = spans.filter((s) => s.name.startsWith('step '));
    expect(steps.map((s) => s.name).sort()).toEqual(['step Gather', 'step Report', 'step Search']);
    for (const s of steps) expect(s.parentSpanId).toBe(runSpanId);
    const stepSpanOf = (stepId: string) => steps.find((s) => s.attributes['stagent.step.id'] === stepId)!;

    const ledger = (await e.resources.orm.em
      .fork()
      .getConnection()
      .execute(
        'select step_id, model_id, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_micros from usage_ledger where run_id = ? order by created_at, id',
        [run.id],
      )) as Record<string, string | number>[];
    expect(ledger).toHaveLength(4);
    const model = String(ledger[0]!.model_id);
    const calls = spans.filter((s) => s.name.startsWith('chat '));
    expect(calls).toHaveLength(4);
    // Ledger rows in call order (time-ordered ids): the nth row of a step is its turn n.
    const turns = new Map<string, number>();
    const callOf = ledger.map((row) => {
      const turn = (turns.get(String(row.step_id)) ?? 0) + 1;
      turns.set(String(row.step_id), turn);
      return calls.find((c) => c.attributes['stagent.step.id'] === row.step_id && c.attributes['stagent.turn'] === turn)!;
    });
    expect(new Set(callOf).size).toBe(4);
    callOf.forEach((call, i) => {
      const row = ledger[i]!;
      expect(call).toMatchObject({ name: `chat ${model}`, kind: KIND_CLIENT, parentSpanId: stepSpanOf(String(row.step_id)).spanId });
      expect(call.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.request.model': row.model_id,
        'gen_ai.usage.input_tokens': Number(row.input_tokens) + Number(row.cache_read_tokens) + Number(row.cache_write_tokens),
        'gen_ai.usage.output_tokens': Number(row.output_tokens),
        'gen_ai.usage.cache_read.input_tokens': Number(row.cache_read_tokens),
        'gen_ai.usage.cache_creation.input_tokens': Number(row.cache_write_tokens),
        'stagent.step.id': row.step_id,
        'stagent.run.id': run.id,
      });
      expect(Math.round((call.attributes['stagent.cost_usd'] as number) * 1e6)).toBe(Number(row.cost_micros));
    });
    expect(callOf.map((c) => c.attributes['gen_ai.usage.input_tokens'])).toEqual([1000, 2200, 2300, 900]);

    const [tool] = spans.filter((s) => s.name.startsWith('execute_tool '));
    const asking = calls.find((c) => c.attributes['stagent.step.id'] === 'b' && c.attributes['stagent.turn'] === 1)!;
    expect(tool).toMatchObject({ name: 'execute_tool search_documents', parentSpanId: asking.spanId, kind: KIND_INTERNAL });
    expect(tool!.attributes).toMatchObject({ 'gen_ai.tool.name': 'search_documents', 'stagent.tool.status': 'SUCCEEDED', 'stagent.step.id': 'b' });

    // A step's totals are its ledger rows'.
    const rowsOfB = ledger.filter((row) => row.step_id === 'b');
    expect(stepSpanOf('b').attributes).toMatchObject({
      'stagent.turns': 2,
      'gen_ai.usage.input_tokens': rowsOfB.reduce(
        (sum, row) => sum + Number(row.input_tokens) + Number(row.cache_read_tokens) + Number(row.cache_write_tokens),
        0,
      ),
      'gen_ai.usage.output_tokens': rowsOfB.reduce((sum, row) => sum + Number(row.output_tokens), 0),
      'gen_ai.request.model': model,
    });
    expect(Math.round((stepSpanOf('b').attributes['stagent.cost_usd'] as number) * 1e6)).toBe(rowsOfB.reduce((sum, row) => sum + Number(row.cost_micros), 0));

    // The run's cost is the ledger's; each span lies within its parent.
    const totalMicros = ledger.reduce((sum, row) => sum + Number(row.cost_micros), 0);
    expect(Math.round((roots[0]!.attributes['stagent.cost_usd'] as number) * 1e6)).toBe(totalMicros);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    for (const s of spans.filter((x) => x.parentSpanId)) {
      const parent = byId.get(s.parentSpanId!)!;
      expect(s.startTimeUnixNano >= parent.startTimeUnixNano && s.endTimeUnixNano <= parent.endTimeUnixNano).toBe(true);
    }
  });
});
