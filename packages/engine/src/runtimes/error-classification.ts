import { APIError as AnthropicAPIError, APIConnectionError as AnthropicConnectionError, APIUserAbortError as AnthropicAbortError } from '@anthropic-ai/sdk';
import { APIError as OpenAIAPIError, APIConnectionError as OpenAIConnectionError, APIUserAbortError as OpenAIAbortError } from 'openai';
import type { ClassifiedFailure, FailureCategory } from './failure-category.js';

/**
 * Turns provider failures into {@link ClassifiedFailure}s at the source: the SDK's error class,
 * the HTTP status, the provider's error `type`/`code` and the abort reason decide the category.
 * The provider's own message is kept verbatim as evidence (minus secrets: secret-redaction.ts). Message text decides only
 * where the wire format carries no code at all (Anthropic's and Ollama's "prompt too long").
 */

/** Thrown inside an adapter when a call must end with a failure already classified; never escapes `run()`. */
export class ClassifiedProviderError extends Error {
  readonly failure: ClassifiedFailure;
  constructor(failure: ClassifiedFailure) {
    super(failure.message);
    this.name = 'ClassifiedProviderError';
    this.failure = failure;
  }
}

/** Builds a failure; `retryable` follows the category unless given. */
export function failure(category: FailureCategory, message: string, extra: Partial<ClassifiedFailure> = {}): ClassifiedFailure {
  const retryable = category === 'RATE_LIMITED' || category === 'PROVIDER_OVERLOADED' || category === 'CONNECTION';
  return { category, message, retryable, ...extra };
}

/** Category for an HTTP status when the body says nothing more precise. */
export function categoryForStatus(status: number): { category: FailureCategory; retryable: boolean } {
  if (status === 429) return { category: 'RATE_LIMITED', retryable: true };
  if (status === 529 || status === 503) return { category: 'PROVIDER_OVERLOADED', retryable: true };
  if (status === 401 || status === 403) return { category: 'AUTH', retryable: false };
  if (status === 408 || status === 504) return { category: 'TIMEOUT', retryable: true };
  if (status === 413) return { category: 'CONTEXT_TOO_LARGE', retryable: false };
  if (status >= 500) return { category: 'UNKNOWN', retryable: true };
  if (status >= 400) return { category: 'INVALID_REQUEST', retryable: false };
  return { category: 'UNKNOWN', retryable: false };
}

/** Reads `retry-after-ms` or `retry-after` (seconds or an HTTP date) into ms. */
export function retryAfterMs(headers: Headers | undefined | null, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const raw = headers.get('retry-after');
  if (raw === null || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Node/undici network error codes that mean the connection failed or broke. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Whether an error (or one of its causes) is a network failure: refused, reset, unreachable, terminated. */
export function isConnectionError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
    // undici reports a body cut mid-stream as TypeError('terminated') and a failed connect as TypeError('fetch failed').
    if (e instanceof TypeError && (e.message === 'terminated' || e.message === 'fetch failed')) return true;
  }
  return false;
}

/** Deepest message in a cause chain, e.g. "other side closed" under "terminated". */
function rootMessage(err: unknown): string {
  let message = err instanceof Error ? err.message : String(err);
  for (let e: unknown = (err as { cause?: unknown })?.cause, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof Error && e.message) message = `${message}: ${e.message}`;
  }
  return message;
}

/** Failures every transport shares: connection errors and malformed stream data. */
function classifyTransport(err: unknown, provider: string): ClassifiedFailure | undefined {
  if (isConnectionError(err)) return failure('CONNECTION', `${provider} connection failed: ${rootMessage(err)}`);
  if (err instanceof SyntaxError) return failure('UNKNOWN', `${provider} sent a malformed stream event: ${err.message}`, { retryable: false });
  return undefined;
}

/** Anthropic wording of a prompt over the context window; the API gives no code for it. */
const ANTHROPIC_PROMPT_TOO_LONG = /prompt is too long/i;

/** Classifies anything `@anthropic-ai/sdk` throws (HTTP errors, SSE `error` events, transport). */
export function classifyAnthropicError(err: unknown, now?: number): ClassifiedFailure {
  if (err instanceof AnthropicAbortError) return failure('CANCELLED', 'Request aborted.');
  if (err instanceof AnthropicConnectionError) return failure('CONNECTION', `Anthropic connection failed: ${rootMessage(err)}`);
  if (err instanceof AnthropicAPIError) {
    const message = err.apiMessage ?? err.message;
    const status = err.status;
    const extra = { httpStatus: status, retryAfterMs: retryAfterMs(err.headers, now) };
    // A mid-stream SSE `error` event has no status: its error type decides.
    if (err.type === 'overloaded_error') return failure('PROVIDER_OVERLOADED', message, extra);
    if (err.type === 'rate_limit_error') return failure('RATE_LIMITED', message, extra);
    if (err.type === 'authentication_error' || err.type === 'permission_error') return failure('AUTH', message, extra);
    if (err.type === 'timeout_error') return failure('TIMEOUT', message, { ...extra, retryable: true });
    if (err.errorCode === 'prompt_too_long' || (status === 400 && ANTHROPIC_PROMPT_TOO_LONG.test(message))) return failure('CONTEXT_TOO_LARGE', message, extra);
    if (err.type === 'api_error' && status === undefined) return failure('UNKNOWN', message, { ...extra, retryable: true });
    if (status === undefined) return classifyTransport(err.cause, 'Anthropic') ?? failure('UNKNOWN', message, extra);
    const byStatus = categoryForStatus(status);
    return failure(byStatus.category, message, { ...extra, retryable: byStatus.retryable });
  }
  return classifyTransport(err, 'Anthropic') ?? failure('UNKNOWN', rootMessage(err), { retryable: false });
}

/** Classifies anything `openai` throws; OpenAI's `code` (`context_length_exceeded`, `insufficient_quota`) decides first. */
export function classifyOpenAIError(err: unknown, now?: number): ClassifiedFailure {
  if (err instanceof OpenAIAbortError) return failure('CANCELLED', 'Request aborted.');
  if (err instanceof OpenAIConnectionError) return failure('CONNECTION', `OpenAI connection failed: ${rootMessage(err)}`);
  if (err instanceof OpenAIAPIError) {
    const body = err.error as { message?: string } | undefined;
    const message = body?.message ?? err.message;
    const extra = { httpStatus: err.status, retryAfterMs: retryAfterMs(err.headers, now) };
    if (err.code === 'context_length_exceeded') return failure('CONTEXT_TOO_LARGE', message, extra);
    // Out of credit is a 429 too, but waiting does not help.
    if (err.code === 'insufficient_quota') return failure('RATE_LIMITED', message, { ...extra, retryable: false });
    if (err.code === 'invalid_api_key') return failure('AUTH', message, extra);
    if (err.status === undefined) {
      if (err.type === 'server_error' || err.code === 'server_error') return failure('UNKNOWN', message, { ...extra, retryable: true });
      return classifyTransport(err.cause, 'OpenAI') ?? failure('UNKNOWN', message, extra);
    }
    const byStatus = categoryForStatus(err.status);
    return failure(byStatus.category, message, { ...extra, retryable: byStatus.retryable });
  }
  return classifyTransport(err, 'OpenAI') ?? failure('UNKNOWN', rootMessage(err), { retryable: false });
}

/** Ollama's wording for an input over the model's context; Ollama sends `{error}` with no code. */
const OLLAMA_CONTEXT = /context (length|window)|too long/i;

/** Classifies an Ollama HTTP error response (`{"error": "..."}` body) or an in-stream `error` line. */
export function classifyOllamaResponse(status: number | undefined, message: string, headers?: Headers, now?: number): ClassifiedFailure {
  const extra = { httpStatus: status, retryAfterMs: retryAfterMs(headers, now) };
  if (OLLAMA_CONTEXT.test(message) && (status === undefined || status === 400 || status === 500)) return failure('CONTEXT_TOO_LARGE', message, extra);
  if (status === undefined) return failure('UNKNOWN', message, { ...extra, retryable: false });
  const byStatus = categoryForStatus(status);
  return failure(byStatus.category, message, { ...extra, retryable: byStatus.retryable });
}

/** Classifies what `fetch` against Ollama throws (refused, reset, bad JSON line). */
export function classifyOllamaError(err: unknown): ClassifiedFailure {
  if (err instanceof ClassifiedProviderError) return err.failure;
  return classifyTransport(err, 'Ollama') ?? failure('UNKNOWN', rootMessage(err), { retryable: false });
}

/**
 * The failure an abort reason stands for: `'cancelled'` (or anything unknown) is a user cancel;
 * a {@link ClassifiedFailure} object (a cap, the deadline, a stalled stream) is itself.
 */
export function failureFromAbortReason(reason: unknown): ClassifiedFailure {
  if (reason && typeof reason === 'object' && 'category' in reason && 'message' in reason) return reason as ClassifiedFailure;
  if (reason === 'budget') return failure('BUDGET_EXCEEDED', 'A budget cap was reached.');
  return failure('CANCELLED', 'Cancelled by user.');
}

/** Error codes the Claude Agent SDK puts on API-error messages (`SDKAssistantMessageError`). */
const CLAUDE_CODE_AUTH = new Set(['authentication_failed', 'oauth_org_not_allowed', 'account_on_hold', 'verification_required', 'cloud_credential_error']);

/**
 * Classifies an API error the Claude Code CLI reports (on an `api_retry` message, an API-error
 * assistant message or the result): its error code, the Anthropic error type and the HTTP
 * status decide. The CLI replaces the provider's message with its own text, which is kept.
 */
export function classifyClaudeCodeError(e: { code?: string; type?: string; status?: number | null; message: string }): ClassifiedFailure {
  const extra = { httpStatus: e.status ?? undefined };
  if (e.status === 529 || e.code === 'overloaded' || e.type === 'overloaded_error') return failure('PROVIDER_OVERLOADED', e.message, extra);
  if (e.code === 'rate_limit' || e.type === 'rate_limit_error') return failure('RATE_LIMITED', e.message, extra);
  if (e.code === 'billing_error') return failure('RATE_LIMITED', e.message, { ...extra, retryable: false });
  if ((e.code && CLAUDE_CODE_AUTH.has(e.code)) || e.type === 'authentication_error' || e.type === 'permission_error') return failure('AUTH', e.message, extra);
  if (ANTHROPIC_PROMPT_TOO_LONG.test(e.message) && (e.status === 400 || e.code === 'invalid_request')) return failure('CONTEXT_TOO_LARGE', e.message, extra);
  if (e.code === 'invalid_request' || e.code === 'model_not_found') return failure('INVALID_REQUEST', e.message, extra);
  if (e.code === 'server_error') return failure('UNKNOWN', e.message, { ...extra, retryable: true });
  if (e.status) {
    const byStatus = categoryForStatus(e.status);
    return failure(byStatus.category, e.message, { ...extra, retryable: byStatus.retryable });
  }
  return failure('UNKNOWN', e.message, { ...extra, retryable: false });
}
