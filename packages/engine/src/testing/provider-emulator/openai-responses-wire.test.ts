import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { scripted } from './scenario.js';
import { ProviderEmulator } from './server.js';

/** The Responses wire checked with the official `openai` SDK's own stream parser. */
describe('provider emulator: OpenAI Responses API (streamed)', () => {
  const emulator = new ProviderEmulator();
  beforeAll(async () => {
    await emulator.start();
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  const client = () => new OpenAI({ apiKey: 'sk-test', baseURL: emulator.openaiBaseUrl, maxRetries: 0 });
  const create = () => client().responses.create({ model: 'gpt-5.6-terra', input: 'Hi', stream: true });

  it('streams text deltas, a function call and usage on response.completed', async () => {
    emulator.script(
      'openai-responses',
      scripted.toolCalls(
        [{ id: 'call_1', name: 'read_document', input: { id: 'doc-1' } }],
        { inputTokens: 900, outputTokens: 30, cacheReadTokens: 100 },
        'Reading.',
      ),
    );
    const types: string[] = [];
    let text = '';
    let args = '';
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of await create()) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.function_call_arguments.delta') args += event.delta;
      if (event.type === 'response.completed') completed = event.response;
    }
    expect(types[0]).toBe('response.created');
    expect(types).toContain('response.output_item.added');
    expect(types).toContain('response.function_call_arguments.done');
    expect(types.at(-1)).toBe('response.completed');
    expect(text).toBe('Reading.');
    expect(JSON.parse(args)).toEqual({ id: 'doc-1' });
    expect(completed!.output.map((o) => o.type)).toEqual(['message', 'function_call']);
    expect(completed!.output[1]).toMatchObject({ type: 'function_call', call_id: 'call_1', name: 'read_document', arguments: '{"id":"doc-1"}' });
    expect(completed!.usage).toMatchObject({ input_tokens: 1000, input_tokens_details: { cached_tokens: 100 }, output_tokens: 30, total_tokens: 1030 });
    expect(emulator.requestsFor('openai-responses')[0]).toMatchObject({ path: '/v1/responses', body: { model: 'gpt-5.6-terra', stream: true } });
  });

  it('streams a custom (freeform) tool call in a namespace, as Codex`s exec receives it', async () => {
    emulator.script('openai-responses', scripted.toolCalls([{ id: 'call_exec', name: 'exec', namespace: 'functions', input: {}, freeform: 'text("hi");' }]));
    const types: string[] = [];
    let input = '';
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of await create()) {
      types.push(event.type);
      if (event.type === 'response.custom_tool_call_input.delta') input += event.delta;
      if (event.type === 'response.completed') completed = event.response;
    }
    expect(types).toContain('response.custom_tool_call_input.done');
    expect(input).toBe('text("hi");');
    expect(completed!.output).toEqual([
      expect.objectContaining({
        type: 'custom_tool_call',
        call_id: 'call_exec',
        name: 'exec',
        namespace: 'functions',
        input: 'text("hi");',
        status: 'completed',
      }),
    ]);
  });

  it('gives the SDK the HTTP errors it classifies: 429 with retry-after, 401', async () => {
    emulator.script('openai-responses', scripted.rateLimited({ seconds: 2 }), scripted.unauthorized('Incorrect API key provided'));
    const limited = await create().catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toBe('2');
    const auth = await create().catch((e: unknown) => e);
    expect(auth).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(auth).toMatchObject({ status: 401, code: 'invalid_api_key' });
  });

  it('ends a stream with an error event, then response.failed', async () => {
    emulator.script('openai-responses', scripted.streamError('The server had an error', 'Half '));
    let text = '';
    const tail: { type: string }[] = [];
    for await (const event of await create()) {
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'error' || event.type === 'response.failed') tail.push(event);
    }
    expect(text).toBe('Half ');
    expect(tail).toMatchObject([
      { type: 'error', message: 'The server had an error' },
      { type: 'response.failed', response: { status: 'failed', error: { message: 'The server had an error' } } },
    ]);
  });

  it('reports a truncated answer as response.incomplete with its reason', async () => {
    emulator.script('openai-responses', scripted.truncated('Cut', { inputTokens: 5, outputTokens: 1 }));
    const last = [];
    for await (const event of await create()) last.push(event);
    expect(last.at(-1)).toMatchObject({ type: 'response.incomplete', response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } } });
  });
});
