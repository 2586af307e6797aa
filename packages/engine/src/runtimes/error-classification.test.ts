import { APIConnectionError as AnthropicConnectionError, APIError as AnthropicAPIError, APIUserAbortError as AnthropicAbort } from '@anthropic-ai/sdk';
import { APIConnectionError as OpenAIConnectionError, APIError as OpenAIAPIError } from 'openai';
import { describe, expect, it } from 'vitest';
import {
  classifyAnthropicError,
  classifyClaudeCodeError,
  classifyOllamaError,
  classifyOllamaResponse,
  classifyOpenAIError,
  failureFromAbortReason,
  retryAfterMs,
} from './error-classification.js';
import type { FailureCategory } from './failure-category.js';

const headers = (h: Record<string, string> = {}) => new Headers(h);
const anthropicHttp = (status: number, type: string, message: string, h?: Record<string, string>) =>
  AnthropicAPIError.generate(status, { type: 'error', error: { type, message } }, undefined, headers(h));
const openaiHttp = (status: number, error: Record<string, unknown>, h?: Record<string, string>) =>
  OpenAIAPIError.generate(status, { error }, undefined, headers(h));
const socketReset = () => new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
const refused = () => new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:11434'), { code: 'ECONNREFUSED' }) });

describe('classifyAnthropicError (SDK error → category)', () => {
  it.each<{ label: string; err: unknown; category: FailureCategory; retryable: boolean; message?: string }>([
    { label: '429', err: anthropicHttp(429, 'rate_limit_error', 'Number of requests has exceeded your rate limit'), category: 'RATE_LIMITED', retryable: true },
    { label: '529', err: anthropicHttp(529, 'overloaded_error', 'Overloaded'), category: 'PROVIDER_OVERLOADED', retryable: true, message: 'Overloaded' },
    {
      label: 'overloaded SSE error event',
      err: new AnthropicAPIError(
        undefined,
        { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
        undefined,
        headers(),
        'overloaded_error',
      ),
      category: 'PROVIDER_OVERLOADED',
      retryable: true,
    },
    { label: '401', err: anthropicHttp(401, 'authentication_error', 'invalid x-api-key'), category: 'AUTH', retryable: false, message: 'invalid x-api-key' },
    { label: '403', err: anthropicHttp(403, 'permission_error', 'not allowed'), category: 'AUTH', retryable: false },
    {
      label: 'prompt too long',
      err: anthropicHttp(400, 'invalid_request_error', 'prompt is too long: 212345 tokens > 200000 maximum'),
      category: 'CONTEXT_TOO_LARGE',
      retryable: false,
    },
    { label: 'other 400', err: anthropicHttp(400, 'invalid_request_error', 'max_tokens: must be positive'), category: 'INVALID_REQUEST', retryable: false },
    { label: '500', err: anthropicHttp(500, 'api_error', 'Internal server error'), category: 'UNKNOWN', retryable: true },
    { label: 'connection error', err: new AnthropicConnectionError({ cause: refused() }), category: 'CONNECTION', retryable: true },
    { label: 'socket reset mid-stream', err: socketReset(), category: 'CONNECTION', retryable: true },
    { label: 'malformed JSON event', err: new SyntaxError('Unexpected end of JSON input'), category: 'UNKNOWN', retryable: false },
    { label: 'user abort', err: new AnthropicAbort(), category: 'CANCELLED', retryable: false },
  ])('$label → $category', ({ err, category, retryable, message }) => {
    const f = classifyAnthropicError(err);
    expect(f).toMatchObject({ category, retryable });
    if (message) expect(f.message).toBe(message);
  });

  it('keeps retry-after and the status', () => {
    expect(classifyAnthropicError(anthropicHttp(429, 'rate_limit_error', 'slow', { 'retry-after': '12' }))).toMatchObject({
      httpStatus: 429,
      retryAfterMs: 12_000,
    });
  });
});

describe('classifyOpenAIError (SDK error → category)', () => {
  it.each<{ label: string; err: unknown; category: FailureCategory; retryable: boolean }>([
    {
      label: '429 rate limit',
      err: openaiHttp(429, { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' }),
      category: 'RATE_LIMITED',
      retryable: true,
    },
    {
      label: '429 insufficient_quota',
      err: openaiHttp(429, { message: 'quota', type: 'insufficient_quota', code: 'insufficient_quota' }),
      category: 'RATE_LIMITED',
      retryable: false,
    },
    { label: '503', err: openaiHttp(503, { message: 'unavailable', type: 'server_error', code: null }), category: 'PROVIDER_OVERLOADED', retryable: true },
    {
      label: '401',
      err: openaiHttp(401, { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' }),
      category: 'AUTH',
      retryable: false,
    },
    {
      label: 'context_length_exceeded',
      err: openaiHttp(400, {
        message: "This model's maximum context length is 128000 tokens.",
        type: 'invalid_request_error',
        code: 'context_length_exceeded',
      }),
      category: 'CONTEXT_TOO_LARGE',
      retryable: false,
    },
    { label: 'other 400', err: openaiHttp(400, { message: 'bad', type: 'invalid_request_error', code: null }), category: 'INVALID_REQUEST', retryable: false },
    {
      label: 'server_error in stream',
      err: new OpenAIAPIError(undefined, { message: 'The server had an error', type: 'server_error' }, undefined, headers()),
      category: 'UNKNOWN',
      retryable: true,
    },
    { label: 'connection error', err: new OpenAIConnectionError({ cause: refused() }), category: 'CONNECTION', retryable: true },
    { label: 'socket reset', err: socketReset(), category: 'CONNECTION', retryable: true },
  ])('$label → $category', ({ err, category, retryable }) => {
    expect(classifyOpenAIError(err)).toMatchObject({ category, retryable });
  });
});

describe('Ollama classification (status + body → category)', () => {
  it.each<{ status: number | undefined; message: string; category: FailureCategory }>([
    { status: 404, message: "model 'llama9' not found, try pulling it first", category: 'INVALID_REQUEST' },
    { status: 400, message: 'the input length exceeds the context length', category: 'CONTEXT_TOO_LARGE' },
    { status: 429, message: 'too many requests', category: 'RATE_LIMITED' },
    { status: 503, message: 'server busy, please try again.  maximum pending requests exceeded', category: 'PROVIDER_OVERLOADED' },
    { status: 500, message: 'llama runner process has terminated: signal: killed', category: 'UNKNOWN' },
    { status: undefined, message: 'unexpected EOF', category: 'UNKNOWN' },
  ])('$status "$message" → $category', ({ status, message, category }) => {
    expect(classifyOllamaResponse(status, message)).toMatchObject({ category, message });
  });

  it('classifies refused and reset connections', () => {
    expect(classifyOllamaError(refused()).category).toBe('CONNECTION');
    expect(classifyOllamaError(socketReset()).category).toBe('CONNECTION');
  });
});

describe('abort reasons and retry-after', () => {
  it('maps abort reasons: cancel, a cap, a classified failure', () => {
    expect(failureFromAbortReason('cancelled').category).toBe('CANCELLED');
    expect(failureFromAbortReason('budget').category).toBe('BUDGET_EXCEEDED');
    const timeout = { category: 'TIMEOUT' as const, message: 'late', retryable: false };
    expect(failureFromAbortReason(timeout)).toBe(timeout);
  });

  it('reads retry-after-ms, retry-after seconds and dates', () => {
    expect(retryAfterMs(headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(retryAfterMs(headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(headers({ 'retry-after': 'Mon, 05 Jan 2026 08:00:30 GMT' }), Date.UTC(2026, 0, 5, 8, 0, 0))).toBe(30_000);
    expect(retryAfterMs(headers())).toBeUndefined();
  });
});

describe('classifyClaudeCodeError (CLI error code / Anthropic type / status → category)', () => {
  it.each<{ label: string; e: Parameters<typeof classifyClaudeCodeError>[0]; category: FailureCategory; retryable: boolean }>([
    { label: 'api_retry rate_limit 429', e: { code: 'rate_limit', status: 429, message: 'm' }, category: 'RATE_LIMITED', retryable: true },
    { label: 'api_retry overloaded 529', e: { code: 'server_error', status: 529, message: 'm' }, category: 'PROVIDER_OVERLOADED', retryable: true },
    { label: 'authentication_failed 401', e: { code: 'authentication_failed', status: 401, message: 'Invalid API key' }, category: 'AUTH', retryable: false },
    { label: 'result authentication_error', e: { type: 'authentication_error', status: 401, message: 'Invalid API key' }, category: 'AUTH', retryable: false },
    { label: 'billing_error', e: { code: 'billing_error', status: 400, message: 'credit balance too low' }, category: 'RATE_LIMITED', retryable: false },
    { label: 'prompt too long', e: { code: 'invalid_request', status: 400, message: 'Prompt is too long' }, category: 'CONTEXT_TOO_LARGE', retryable: false },
    { label: 'model_not_found', e: { code: 'model_not_found', status: 404, message: 'm' }, category: 'INVALID_REQUEST', retryable: false },
    { label: 'server_error 500', e: { code: 'server_error', status: 500, message: 'm' }, category: 'UNKNOWN', retryable: true },
    { label: 'unknown, no status', e: { code: 'unknown', message: 'm' }, category: 'UNKNOWN', retryable: false },
  ])('$label → $category', ({ e, category, retryable }) => {
    expect(classifyClaudeCodeError(e)).toMatchObject({ category, retryable, message: e.message });
  });
});
