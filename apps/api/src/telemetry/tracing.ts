/**
 * Traces (issue #18): the engine's telemetry records become OpenTelemetry spans, exported over
 * OTLP by `@opentelemetry/sdk-node` when the standard `OTEL_*` variables name an endpoint.
 *
 * The engine reports work after it ended and chooses every id itself (a run's trace id comes
 * from its run id, so every instance that drives part of a run agrees on it), so spans are made
 * after the fact: for each record the id generator is told the ids to hand out, then the span is
 * started with its recorded start time, under a remote parent context naming the engine's parent
 * span id, and ended at once with its recorded end time. Spans of one run made on several
 * instances thereby form one tree in the collector.
 */
import { randomBytes } from 'node:crypto';
import {
  context,
  diag,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type ContextManager,
  type Span,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  SamplingDecision,
  TraceIdRatioBasedSampler,
  type IdGenerator,
  type Sampler,
  type SamplingResult,
} from '@opentelemetry/sdk-trace-base';
import type { EngineTelemetry, ModelCallRecord, RunRecord, SpanIds, StepRecord, TaskRecord, ToolCallRecord } from '@stagent/engine';
import packageJson from '../../package.json' with { type: 'json' };
import { ConfigError } from '../config.js';

/** Tracing switched on: the telemetry to open the engine with, and the SDK's flush and shutdown. */
export interface Tracing {
  /** Turns the engine's records into spans (`tracing: true`: the engine makes span ids). */
  telemetry: EngineTelemetry;
  /** Exports every span ended so far (the batch processor otherwise waits up to OTEL_BSP_SCHEDULE_DELAY). */
  forceFlush(): Promise<void>;
  /** Flushes, stops the SDK and releases the global OpenTelemetry registrations, so tracing can start again in this process. */
  shutdown(): Promise<void>;
}

/** Service name when OTEL_SERVICE_NAME (or service.name in OTEL_RESOURCE_ATTRIBUTES) is unset. */
export const DEFAULT_SERVICE_NAME = 'stagent';
/** The instrumentation scope of every span. */
const SCOPE = '@stagent/api';

/** The OTLP traces endpoint the standard variables configure, or null (tracing off). */
export function otlpTracesEndpoint(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return null;
  // As the SDK reads it: "none" first in the list switches traces off.
  if (env.OTEL_TRACES_EXPORTER?.split(',')[0]?.trim() === 'none') return null;
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (traces) return traces;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!base) return null;
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL)?.trim();
  // Over HTTP the SDK appends the signal's path to the shared endpoint; gRPC uses it as it is.
  return protocol === 'grpc' ? base : `${base.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * Starts tracing when the standard variables configure an OTLP traces endpoint
 * (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), unless OTEL_SDK_DISABLED=true
 * or OTEL_TRACES_EXPORTER=none; otherwise returns null and costs nothing. The SDK reads the
 * exporter, protocol (http/protobuf by default, http/json, grpc), headers and batching variables
 * itself, from `env`. Service name: OTEL_SERVICE_NAME, default "stagent". Only the engine's spans
 * are recorded: no auto-instrumentation, and spans that libraries start on their own (the
 * Anthropic SDK traces its calls when a tracer provider is registered) are dropped, since they
 * would sit outside the run's trace and count each call's tokens twice. OTEL_TRACES_SAMPLER
 * always_off and (parentbased_)traceidratio apply, deciding on the trace id, so a run's trace is kept or dropped whole.
 * No metrics or logs exporters.
 * Throws a ConfigError when another OpenTelemetry SDK already owns this process's tracer provider.
 */
export function startTracing(env: NodeJS.ProcessEnv = process.env): Tracing | null {
  if (!otlpTracesEndpoint(env)) return null;
  const ids = new EngineIdGenerator();
  const sdk = withOtelEnv(env, () => {
    const created = new NodeSDK({
      // Merged under the detected resource: OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win.
      resource: defaultResource().merge(resourceFromAttributes({ 'service.name': DEFAULT_SERVICE_NAME, 'service.version': packageJson.version })),
      idGenerator: ids,
      sampler: new EngineSampler(ids, samplerFromEnv(env)),
      // Spans are placed by explicit parents: no async context to carry, no trace headers to send.
      contextManager: NO_CONTEXT_MANAGER,
      textMapPropagator: null,
      instrumentations: [],
      metricReaders: [],
      logRecordProcessors: [],
    });
    created.start();
    return created;
  });
  const provider = registeredProvider();
  if (!provider) {
    void sdk.shutdown();
    throw new ConfigError(
      `Tracing: the OpenTelemetry SDK made no span exporter of OTEL_TRACES_EXPORTER=${env.OTEL_TRACES_EXPORTER ?? ''} (otlp, console or zipkin).`,
    );
  }
  const tracer = provider.getTracer(SCOPE, packageJson.version);
  if (!ownsTracer(tracer, ids)) {
    void sdk.shutdown();
    throw new ConfigError(
      'Tracing: another OpenTelemetry SDK already registered the tracer provider of this process (e.g. a --require of an auto-instrumentation); Stagent needs its own, whose span ids come from the engine. Remove the other SDK or unset OTEL_EXPORTER_OTLP_ENDPOINT.',
    );
  }
  let stopped: Promise<void> | null = null;
  return {
    telemetry: spanTelemetry(tracer, ids),
    forceFlush: () => provider.forceFlush(),
    shutdown() {
      stopped ??= sdk.shutdown().finally(() => {
        // NodeSDK leaves its globals registered after shutdown; a later start would be refused.
        trace.disable();
        context.disable();
      });
      return stopped;
    },
  };
}

/** The engine telemetry that writes each record as one span through `tracer`, with ids from `ids`. */
export function spanTelemetry(tracer: Tracer, ids: EngineIdGenerator): EngineTelemetry {
  const emit = (name: string, kind: SpanKind, span: SpanIds | null, times: { startedAt: number; endedAt: number }, attributes: Attributes, error?: string) => {
    // A record made while tracing was off carries no ids: there is no span to place.
    if (!span) return;
    try {
      ids.next(span.traceId, span.spanId);
      let started: Span;
      try {
        started = tracer.startSpan(name, { kind, startTime: millisToHrTime(times.startedAt), attributes }, parentContext(span));
      } finally {
        // Only this span gets the engine's ids (ending it may start an export).
        ids.next('', '');
      }
      if (error !== undefined) started.setStatus({ code: SpanStatusCode.ERROR, message: error });
      started.end(millisToHrTime(times.endedAt));
    } catch (caught) {
      // The engine's work must never fail because a span could not be made.
      diag.error(`stagent: could not record span ${name}`, caught);
    }
  };
  return {
    tracing: true,
    modelCall: (r) => emit(`chat ${r.model}`, SpanKind.CLIENT, r.span, r, modelCallAttributes(r)),
    toolCall: (r) => {
      const failed = r.status === 'FAILED' || r.status === 'TIMED_OUT';
      emit(`execute_tool ${r.toolName}`, SpanKind.INTERNAL, r.span, r, toolCallAttributes(r), failed ? r.status : undefined);
    },
    stepEnded: (r) =>
      emit(`step ${r.stepName}`, SpanKind.INTERNAL, r.span, r, stepAttributes(r), r.status === 'FAILED' ? (r.failureCategory ?? r.status) : undefined),
    runEnded: (r) =>
      emit(`run ${r.workflowName}`, SpanKind.INTERNAL, r.span, r, runAttributes(r), r.status === 'FAILED' ? (r.failureCategory ?? r.status) : undefined),
    taskEnded: (r) =>
      emit(
        r.taskKind === 'ASSISTANT' ? 'assistant answer' : 'schedule prompt',
        SpanKind.INTERNAL,
        r.span,
        r,
        taskAttributes(r),
        r.status === 'FAILED' ? (r.failureCategory ?? r.status) : undefined,
      ),
  };
}

/** GenAI semantic conventions for a chat call (gen_ai.* as of the GenAI conventions' `chat` span), plus Stagent's ids and cost. */
export function modelCallAttributes(r: ModelCallRecord): Attributes {
  return {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': r.provider,
    'gen_ai.request.model': r.model,
    // The conventions count cached tokens in input_tokens; the ledger keeps them apart (each priced once).
    'gen_ai.usage.input_tokens': r.inputTokens + r.cacheReadTokens + r.cacheWriteTokens,
    'gen_ai.usage.output_tokens': r.outputTokens,
    'gen_ai.usage.cache_read.input_tokens': r.cacheReadTokens,
    'gen_ai.usage.cache_creation.input_tokens': r.cacheWriteTokens,
    ...(r.costUsd === null ? {} : { 'stagent.cost_usd': r.costUsd }),
    'stagent.budget_usd': r.budgetUsd,
    'stagent.task.id': r.taskId,
    'stagent.task.kind': r.taskKind,
    'stagent.turn': r.turn,
    'stagent.runtime.id': r.runtimeId,
    ...workIds(r),
  };
}

/** GenAI `execute_tool` attributes and the call's outcome. */
export function toolCallAttributes(r: ToolCallRecord): Attributes {
  return {
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': r.toolName,
    'gen_ai.tool.call.id': r.toolCallId,
    'stagent.tool.status': r.status,
    ...(r.status === 'FAILED' || r.status === 'TIMED_OUT' ? { 'error.type': r.status } : {}),
    'stagent.task.id': r.taskId,
    'stagent.task.kind': r.taskKind,
    ...workIds(r),
  };
}

/** A step attempt: its outcome, runtime, cost against its cap and usage totals. */
export function stepAttributes(r: StepRecord): Attributes {
  return {
    'stagent.workflow.id': r.workflowId,
    'stagent.run.id': r.runId,
    'stagent.step.id': r.stepId,
    'stagent.step.attempt': r.attempt,
    'stagent.status': r.status,
    ...failure(r.status, r.failureCategory),
    ...(r.runtimeId ? { 'stagent.runtime.id': r.runtimeId } : {}),
    ...(r.model ? { 'gen_ai.request.model': r.model } : {}),
    'stagent.cost_usd': r.costUsd,
    ...(r.budgetUsd === null ? {} : { 'stagent.budget_usd': r.budgetUsd }),
    // As on its model calls: cached tokens count in input_tokens, and are also given apart.
    'gen_ai.usage.input_tokens': r.inputTokens + r.cacheReadTokens + r.cacheWriteTokens,
    'gen_ai.usage.output_tokens': r.outputTokens,
    'gen_ai.usage.cache_read.input_tokens': r.cacheReadTokens,
    'gen_ai.usage.cache_creation.input_tokens': r.cacheWriteTokens,
    'stagent.turns': r.turns,
  };
}

/** A task outside any run (an assistant answer, a schedule prompt): its runtime, model, outcome, usage and cost against its cap. */
export function taskAttributes(r: TaskRecord): Attributes {
  return {
    'stagent.task.id': r.taskId,
    'stagent.task.kind': r.taskKind,
    'stagent.status': r.status,
    ...failure(r.status, r.failureCategory),
    'stagent.runtime.id': r.runtimeId,
    'gen_ai.request.model': r.model,
    'gen_ai.usage.input_tokens': r.inputTokens,
    'gen_ai.usage.output_tokens': r.outputTokens,
    'stagent.cost_usd': r.costUsd,
    'stagent.budget_usd': r.budgetUsd,
    'stagent.turns': r.turns,
  };
}

/** A run: its workflow, pattern, outcome and cost against its budget. */
export function runAttributes(r: RunRecord): Attributes {
  return {
    'stagent.workflow.id': r.workflowId,
    'stagent.workflow.name': r.workflowName,
    'stagent.run.id': r.runId,
    'stagent.run.number': r.runNumber,
    'stagent.pattern': r.pattern,
    'stagent.status': r.status,
    ...failure(r.status, r.failureCategory),
    'stagent.cost_usd': r.costUsd,
    ...(r.budgetUsd === null ? {} : { 'stagent.budget_usd': r.budgetUsd }),
  };
}

function failure(status: string, category: string | null): Attributes {
  return {
    ...(category ? { 'stagent.failure_category': category } : {}),
    ...(status === 'FAILED' ? { 'error.type': category ?? status } : {}),
  };
}

function workIds(r: { workflowId: string | null; runId: string | null; stepId: string | null }): Attributes {
  return {
    ...(r.workflowId ? { 'stagent.workflow.id': r.workflowId } : {}),
    ...(r.runId ? { 'stagent.run.id': r.runId } : {}),
    ...(r.stepId ? { 'stagent.step.id': r.stepId } : {}),
  };
}

/** The engine's parent as a remote, sampled span context (the parent may live on another instance); the root context for a trace's root. */
function parentContext(span: SpanIds): Context {
  if (!span.parentSpanId) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, { traceId: span.traceId, spanId: span.parentSpanId, traceFlags: TraceFlags.SAMPLED, isRemote: true });
}

/**
 * The SDK's id generator, told the engine's ids right before each span starts (the tracer asks
 * for the span id, then, for a root, the trace id, synchronously inside `startSpan`). Without
 * ids set it makes random ones, as the default generator does.
 */
export class EngineIdGenerator implements IdGenerator {
  private traceId = '';
  private spanId = '';

  /** Whether the next span is one of the engine's (ids were set for it). */
  get pending(): boolean {
    return this.spanId !== '';
  }

  /** The ids the next span gets; empty strings go back to random ids. */
  next(traceId: string, spanId: string): void {
    this.traceId = traceId;
    this.spanId = spanId;
  }
  /** 32 hex characters. */
  generateTraceId(): string {
    return this.traceId || randomBytes(16).toString('hex');
  }
  /** 16 hex characters. */
  generateSpanId(): string {
    return this.spanId || randomBytes(8).toString('hex');
  }
}

/** Records the engine's spans only, as `inner` decides; any other span (a library's own) is dropped. */
class EngineSampler implements Sampler {
  constructor(
    private readonly ids: EngineIdGenerator,
    private readonly inner: Sampler,
  ) {}
  shouldSample(...args: Parameters<Sampler['shouldSample']>): SamplingResult {
    return this.ids.pending ? this.inner.shouldSample(...args) : { decision: SamplingDecision.NOT_RECORD };
  }
  toString(): string {
    return `EngineSampler{${this.inner.toString()}}`;
  }
}

/**
 * OTEL_TRACES_SAMPLER, decided on the trace id for every span: a parent-based sampler would follow
 * the engine's parents, which are always marked sampled, and keep a step of a dropped run.
 */
function samplerFromEnv(env: NodeJS.ProcessEnv): Sampler {
  const name = env.OTEL_TRACES_SAMPLER?.trim();
  if (name === 'always_off' || name === 'parentbased_always_off') return new AlwaysOffSampler();
  if (name === 'traceidratio' || name === 'parentbased_traceidratio') {
    const arg = env.OTEL_TRACES_SAMPLER_ARG?.trim();
    const ratio = arg ? Number(arg) : 1;
    return new TraceIdRatioBasedSampler(Number.isFinite(ratio) && ratio >= 0 && ratio <= 1 ? ratio : 1);
  }
  return new AlwaysOnSampler();
}

/** No async context: the engine's spans name their parents; nothing else is traced. */
const NO_CONTEXT_MANAGER: ContextManager = {
  active: () => ROOT_CONTEXT,
  with: (_context, fn, thisArg, ...args) => fn.call(thisArg, ...args),
  bind: (_context, target) => target,
  enable() {
    return this;
  },
  disable() {
    return this;
  },
};

/** The tracer provider NodeSDK registered (the global proxy's delegate), with its flush. */
function registeredProvider(): (TracerProvider & { forceFlush(): Promise<void> }) | null {
  const global = trace.getTracerProvider() as TracerProvider & { getDelegate?: () => TracerProvider };
  const provider = (global.getDelegate?.() ?? global) as TracerProvider & { forceFlush?: () => Promise<void> };
  return typeof provider.forceFlush === 'function' ? (provider as TracerProvider & { forceFlush(): Promise<void> }) : null;
}

/** Whether `tracer` takes its span ids from `ids`: a probe span, never ended, so never exported. */
function ownsTracer(tracer: Tracer, ids: EngineIdGenerator): boolean {
  const probe = { traceId: 'f'.repeat(32), spanId: 'f'.repeat(16) };
  ids.next(probe.traceId, probe.spanId);
  try {
    return tracer.startSpan('stagent.probe', {}, ROOT_CONTEXT).spanContext().spanId === probe.spanId;
  } finally {
    ids.next('', '');
  }
}

/**
 * Runs `fn` with process.env's OTEL_* variables replaced by those of `env`: the SDK and its
 * exporters read process.env when they are built (in `start()`), and nothing else runs meanwhile.
 */
function withOtelEnv<T>(env: NodeJS.ProcessEnv, fn: () => T): T {
  if (env === process.env) return fn();
  const saved = Object.entries(process.env).filter(([key]) => key.startsWith('OTEL_'));
  for (const [key] of saved) delete process.env[key];
  for (const [key, value] of Object.entries(env)) if (key.startsWith('OTEL_') && value !== undefined) process.env[key] = value;
  try {
    return fn();
  } finally {
    for (const key of Object.keys(process.env)) if (key.startsWith('OTEL_')) delete process.env[key];
    for (const [key, value] of saved) process.env[key] = value;
  }
}
