import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAgentTools } from '../../runtimes/agent-tools.js';
import type { FailureCategory } from '../../runtimes/failure-category.js';
import { costMicros, priceFor } from '../../runtimes/pricing.js';
import type { RetryPolicy } from '../../runtimes/retry-policy.js';
import type { RuntimeAdapter, RuntimeRequest } from '../../runtimes/runtime.js';
import { recordingHooks } from './recording-hooks.js';
import { scripted, type EmulatedProvider, type ScriptedResponse, type ScriptedToolCall } from './scenario.js';
import { ProviderEmulator, type RecordedRequest } from './server.js';

/** How one adapter is plugged into the shared conformance suite. */
export interface AdapterConformanceSpec {
  provider: EmulatedProvider;
  /** Builds the adapter against the emulator, with the given retry policy and a wall clock. */
  makeRuntime(emulator: ProviderEmulator, retry: Partial<RetryPolicy>): RuntimeAdapter;
  model: string;
  /** Which cache figures the wire format reports: Anthropic both, OpenAI reads only, Ollama none. */
  reportsCache: 'read-write' | 'read' | 'none';
  /** Category of the provider's in-stream error event (Anthropic sends `overloaded_error`; the others carry no status). */
  streamErrorCategory: FailureCategory;
  /** Asserts that a recorded request carries the model's tool-call turn and then the tool results. */
  assertToolHistory(request: RecordedRequest, calls: ScriptedToolCall[], results: string[]): void;
}

/** Documents bound to the conformance tasks. */
const DOCS = [
  { id: 'doc-1', name: 'q3-report.md', content: 'Q3 revenue grew 12% to 4.2M. Churn fell to 2%.' },
  { id: 'doc-2', name: 'roadmap.md', content: 'Next: self-serve onboarding, SSO, audit logs.' },
];

/** Retry policy of the suite: real but tiny waits (1 ms base, no jitter). */
const FAST_RETRY: Partial<RetryPolicy> = { baseDelayMs: 1, maxDelayMs: 4, jitter: 0 };

/**
 * The acceptance scenarios of issue #3, run against one adapter through its real client (the official SDK; plain fetch for Ollama) and the
 * emulator: single turn, two tool calls with the history checked, usage and cost per call, a
 * cap on turn 3, 429 then success, persistent 529, 401, stalled stream, deadline, cancel,
 * malformed event, connection reset, and a provider response → category table.
 */
export function describeAdapterConformance(name: string, spec: AdapterConformanceSpec): void {
  describe(`${name} conformance (real client against the provider emulator)`, () => {
    const emulator = new ProviderEmulator();
    beforeAll(async () => {
      await emulator.start();
    });
    afterAll(() => emulator.close());
    beforeEach(() => emulator.reset());

    const runtime = (retry: Partial<RetryPolicy> = FAST_RETRY) => spec.makeRuntime(emulator, retry);
    const request = (over: Partial<RuntimeRequest> = {}): RuntimeRequest => ({
      taskId: 'task-1',
      model: spec.model,
      systemPrompt: 'You are a careful analyst.',
      prompt: 'Summarise the quarter.',
      tools: createAgentTools({ documents: DOCS, finish: true }),
      maxTurns: 6,
      maxOutputTokens: 1024,
      signal: new AbortController().signal,
      ...over,
    });
    const calls = () => emulator.requestsFor(spec.provider);

    it('answers a single turn, reporting the scripted usage', async () => {
      emulator.script(spec.provider, scripted.text('Revenue grew 12%.', { inputTokens: 1200, outputTokens: 8, cacheReadTokens: 300, cacheWriteTokens: 400 }));
      const hooks = recordingHooks();
      const result = await runtime().run(request(), hooks);
      expect(result).toEqual({ status: 'COMPLETED', output: 'Revenue grew 12%.', turns: 1 });
      expect(hooks.text()).toBe('Revenue grew 12%.');
      expect(hooks.turns).toEqual([1]);
      const cache = { cacheReadTokens: spec.reportsCache === 'none' ? 0 : 300, cacheWriteTokens: spec.reportsCache === 'read-write' ? 400 : 0 };
      expect(hooks.usages).toEqual([{ model: spec.model, inputTokens: 1200, outputTokens: 8, ...cache }]);
      // Cost = scripted usage x the registry row of the model.
      const p = priceFor(spec.model)!;
      expect(costMicros(hooks.usages[0]!)).toBe(
        Math.round(1200 * p.input + 8 * p.output + cache.cacheReadTokens * p.cacheRead + cache.cacheWriteTokens * p.cacheWrite),
      );
      expect(calls()).toHaveLength(1);
      expect(calls()[0]!.body.model).toBe(spec.model);
      expect(calls()[0]!.body.stream).toBe(true);
    });

    it('runs two tool calls and sends back the model turn and the tool results', async () => {
      const toolCalls = [
        { id: 'call-search', name: 'search_documents', input: { query: 'revenue' } },
        { id: 'call-read', name: 'read_document', input: { id: 'doc-1' } },
      ];
      emulator.script(
        spec.provider,
        scripted.toolCalls(toolCalls, { inputTokens: 500, outputTokens: 40 }, 'Let me check the documents.'),
        scripted.text('Q3 revenue grew 12% to 4.2M.', { inputTokens: 900, outputTokens: 12 }),
      );
      const hooks = recordingHooks();
      const result = await runtime().run(request(), hooks);
      expect(result.status).toBe('COMPLETED');
      expect(result.turns).toBe(2);
      expect(result.output).toBe('Let me check the documents.\nQ3 revenue grew 12% to 4.2M.');
      expect(hooks.tools.map((t) => [t.name, t.isError])).toEqual([
        ['search_documents', false],
        ['read_document', false],
      ]);
      expect(hooks.usages.map((u) => [u.inputTokens, u.outputTokens])).toEqual([
        [500, 40],
        [900, 12],
      ]);
      expect(calls()).toHaveLength(2);
      spec.assertToolHistory(
        calls()[1]!,
        toolCalls,
        hooks.tools.map((t) => t.result!),
      );
      expect(hooks.tools[1]!.result).toContain('Q3 revenue grew 12%');
    });

    it('completes after the turn in which the agent calls finish', async () => {
      emulator.script(
        spec.provider,
        scripted.toolCalls([{ name: 'finish', input: { summary: 'done' } }], { inputTokens: 50, outputTokens: 5 }, 'All done.'),
        scripted.text('never sent'),
      );
      const hooks = recordingHooks();
      const result = await runtime().run(request(), hooks);
      expect(result).toEqual({ status: 'COMPLETED', output: 'All done.', turns: 1 });
      expect(hooks.tools).toMatchObject([{ name: 'finish', result: 'Finished: done', isError: false }]);
      expect(calls()).toHaveLength(1);
    });

    it('asks the model to continue after it hits its output limit', async () => {
      emulator.script(spec.provider, scripted.truncated('First half ', { inputTokens: 20, outputTokens: 1024 }), scripted.text('second half.'));
      const result = await runtime().run(request(), recordingHooks());
      expect(result).toEqual({ status: 'COMPLETED', output: 'First half second half.', turns: 2 });
      expect(JSON.stringify(calls()[1]!.body.messages)).toContain('Please continue from where you stopped.');
    });

    it('stops on turn 3 with BUDGET_EXCEEDED when the usage verdict says so, keeping the partial output', async () => {
      const search = (n: number) =>
        scripted.toolCalls([{ name: 'search_documents', input: { query: `q${n}` } }], { inputTokens: 100, outputTokens: 10 }, `Step ${n}.`);
      emulator.script(spec.provider, search(1), search(2), search(3), scripted.text('never reached'));
      const cap = { category: 'BUDGET_EXCEEDED' as const, message: 'Cost cap of $0.01 reached.', retryable: false };
      const hooks = recordingHooks({ verdict: (_u, n) => (n === 3 ? { stop: true, failure: cap } : { stop: false }) });
      const result = await runtime().run(request(), hooks);
      expect(result).toEqual({ status: 'FAILED', output: 'Step 1.\nStep 2.\nStep 3.', turns: 3, failure: cap });
      expect(calls()).toHaveLength(3);
      expect(hooks.tools).toHaveLength(2);
    });

    it('retries a 429 once, honouring retry-after, then succeeds', async () => {
      emulator.script(spec.provider, scripted.rateLimited({ ms: 15 }), scripted.text('ok'));
      const hooks = recordingHooks();
      const result = await runtime().run(request(), hooks);
      expect(result.status).toBe('COMPLETED');
      expect(hooks.retries).toHaveLength(1);
      expect(hooks.retries[0]).toMatchObject({ attempt: 2, delayMs: 15, failure: { category: 'RATE_LIMITED', httpStatus: 429 } });
      expect(hooks.turns).toEqual([1]);
      expect(calls()).toHaveLength(2);
    });

    it('ends PROVIDER_OVERLOADED after retries when 529 persists', async () => {
      emulator.always(spec.provider, scripted.overloaded('Overloaded'));
      const hooks = recordingHooks();
      const result = await runtime({ ...FAST_RETRY, maxAttempts: 3 }).run(request(), hooks);
      expect(result.status).toBe('FAILED');
      expect(result.failure).toMatchObject({ category: 'PROVIDER_OVERLOADED', httpStatus: 529, message: 'Overloaded' });
      expect(hooks.retries.map((r) => r.attempt)).toEqual([2, 3]);
      expect(calls()).toHaveLength(3);
    });

    it("ends AUTH on 401 with the provider's message, without retrying", async () => {
      emulator.script(spec.provider, scripted.unauthorized('invalid x-api-key: key revoked'));
      const hooks = recordingHooks();
      const result = await runtime().run(request(), hooks);
      expect(result.failure).toMatchObject({ category: 'AUTH', message: 'invalid x-api-key: key revoked', httpStatus: 401 });
      expect(hooks.retries).toEqual([]);
      expect(calls()).toHaveLength(1);
    });

    it('ends TIMEOUT when the stream stalls longer than the idle limit, well within the deadline', async () => {
      emulator.script(spec.provider, scripted.stall('Thinking'));
      const started = Date.now();
      const deadlineAt = started + 10_000;
      // 500 ms: long enough that a loaded machine still delivers the first chunk before it.
      const result = await runtime().run(request({ streamIdleTimeoutMs: 500, deadlineAt }), recordingHooks());
      expect(result).toMatchObject({ status: 'FAILED', output: 'Thinking', failure: { category: 'TIMEOUT' } });
      expect(result.failure!.message).toMatch(/stalled/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(490);
      expect(Date.now()).toBeLessThan(deadlineAt);
    });

    it('ends TIMEOUT at the task deadline', async () => {
      emulator.script(spec.provider, scripted.stall(''));
      const started = Date.now();
      const result = await runtime().run(request({ deadlineAt: Date.now() + 200 }), recordingHooks());
      expect(result.failure?.category).toBe('TIMEOUT');
      expect(result.failure!.message).toMatch(/deadline/);
      // 200 ms deadline; the slack covers a loaded CI machine.
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('ends CANCELLED (not FAILED) when cancelled mid-stream', async () => {
      emulator.script(spec.provider, scripted.stall('Partial answer'));
      const controller = new AbortController();
      const hooks = recordingHooks({ onDelta: () => controller.abort('cancelled') });
      const result = await runtime().run(request({ signal: controller.signal }), hooks);
      expect(result).toMatchObject({ status: 'CANCELLED', output: 'Partial answer', failure: { category: 'CANCELLED' } });
      expect(hooks.retries).toEqual([]);
    });

    it('classifies a malformed stream event and does not retry it', async () => {
      emulator.script(spec.provider, scripted.malformed('Half'));
      const hooks = recordingHooks();
      const result = await runtime().run(request(), hooks);
      expect(result.failure).toMatchObject({ category: 'UNKNOWN', retryable: false });
      expect(result.failure!.message).toMatch(/malformed/);
      expect(calls()).toHaveLength(1);
    });

    it('classifies a connection reset mid-stream as CONNECTION and retries it', async () => {
      emulator.script(spec.provider, scripted.reset('Half'), scripted.text('Recovered.'));
      const hooks = recordingHooks();
      const result = await runtime().run(request(), hooks);
      expect(result).toMatchObject({ status: 'COMPLETED', output: 'Recovered.' });
      expect(hooks.retries.map((r) => r.failure.category)).toEqual(['CONNECTION']);
    });

    it("classifies the provider's in-stream error event, keeping its message", async () => {
      emulator.script(spec.provider, scripted.streamError('Overloaded mid-stream'));
      const result = await runtime({ maxAttempts: 1 }).run(request(), recordingHooks());
      expect(result.failure).toMatchObject({ category: spec.streamErrorCategory, message: 'Overloaded mid-stream' });
      expect(result.output).toBe('Partial ');
    });

    const table: { label: string; response: ScriptedResponse; category: FailureCategory }[] = [
      { label: '429', response: scripted.rateLimited({ seconds: 1 }), category: 'RATE_LIMITED' },
      { label: '529', response: scripted.overloaded(), category: 'PROVIDER_OVERLOADED' },
      { label: '503', response: { kind: 'http_error', status: 503, message: 'Service unavailable' }, category: 'PROVIDER_OVERLOADED' },
      { label: '500', response: scripted.serverError(), category: 'UNKNOWN' },
      { label: '401', response: scripted.unauthorized(), category: 'AUTH' },
      { label: '403', response: scripted.forbidden(), category: 'AUTH' },
      { label: '400', response: scripted.badRequest('messages: field required'), category: 'INVALID_REQUEST' },
      { label: 'context length', response: scripted.contextTooLarge(), category: 'CONTEXT_TOO_LARGE' },
      { label: 'connection reset', response: scripted.reset(), category: 'CONNECTION' },
      { label: 'malformed event', response: scripted.malformed(), category: 'UNKNOWN' },
    ];
    it.each(table)('classifies $label as $category', async ({ response, category }) => {
      emulator.script(spec.provider, response);
      const result = await runtime({ maxAttempts: 1 }).run(request(), recordingHooks());
      expect(result.status).toBe('FAILED');
      expect(result.failure?.category).toBe(category);
      expect(result.failure?.message).toBeTruthy();
    });
  });
}
