/**
 * Scripted provider responses, provider-neutral: the emulator renders each one in the wire
 * format of the endpoint that receives the request (Anthropic SSE, OpenAI Chat Completions SSE,
 * OpenAI Responses SSE, Ollama NDJSON).
 */

/** The four wire formats the emulator speaks (`openai-responses`: the Responses API, which the Codex CLI speaks). */
export const EmulatedProvider = {
  ANTHROPIC: 'anthropic',
  OPENAI: 'openai',
  OPENAI_RESPONSES: 'openai-responses',
  OLLAMA: 'ollama',
} as const;
export type EmulatedProvider = (typeof EmulatedProvider)[keyof typeof EmulatedProvider];

/** Usage figures a scripted response reports; `inputTokens` excludes cached tokens. */
export interface ScriptedUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

/** A tool call the scripted model makes. */
export interface ScriptedToolCall {
  id?: string;
  name: string;
  input: Record<string, unknown>;
  /** Responses API only: the tool's namespace (Codex groups tools, e.g. `functions` for its `exec`). */
  namespace?: string;
  /** Responses API only: a call of a freeform (custom) tool with this raw input, e.g. the JavaScript of Codex's `exec`; `input` is ignored. */
  freeform?: string;
}

/** One scripted answer to one model request. */
export type ScriptedResponse =
  /** A streamed answer: text (split into `chunks` deltas) and optionally tool calls. */
  | { kind: 'reply'; text: string; toolCalls?: ScriptedToolCall[]; usage?: ScriptedUsage; chunks?: number; stopReason?: 'end' | 'max_tokens' }
  /**
   * An HTTP error with the provider's error body; `retryAfterMs` is sent as `retry-after-ms`, `retryAfterSeconds` as `retry-after`;
   * `echoKey` appends the API key the request presented (`x-api-key` or the bearer token) to the message, as some proxies do.
   */
  | {
      kind: 'http_error';
      status: number;
      message: string;
      errorType?: string;
      code?: string;
      retryAfterSeconds?: number;
      retryAfterMs?: number;
      echoKey?: boolean;
    }
  /** The provider's own "prompt exceeds the context window" error. */
  | { kind: 'context_too_large'; message?: string }
  /** Streams `textBefore`, then destroys the socket. */
  | { kind: 'reset'; textBefore?: string }
  /** Streams `textBefore`, then sends nothing more and keeps the connection open. */
  | { kind: 'stall'; textBefore?: string }
  /** Streams `textBefore`, then an event whose JSON is broken, then ends. */
  | { kind: 'malformed'; textBefore?: string }
  /** Streams `textBefore`, then the provider's in-stream error event (e.g. Anthropic's `overloaded_error`), then ends. */
  | { kind: 'stream_error'; message: string; textBefore?: string };

/** Factories for {@link ScriptedResponse}s. */
export const scripted = {
  text: (text: string, usage?: ScriptedUsage, chunks?: number): ScriptedResponse => ({ kind: 'reply', text, usage, chunks }),
  toolCalls: (calls: ScriptedToolCall[], usage?: ScriptedUsage, text = ''): ScriptedResponse => ({ kind: 'reply', text, toolCalls: calls, usage }),
  truncated: (text: string, usage?: ScriptedUsage): ScriptedResponse => ({ kind: 'reply', text, usage, stopReason: 'max_tokens' }),
  rateLimited: (retry: { seconds?: number; ms?: number } = {}, message = 'Rate limit exceeded: too many requests. Please slow down.'): ScriptedResponse => ({
    kind: 'http_error',
    status: 429,
    message,
    retryAfterSeconds: retry.seconds,
    retryAfterMs: retry.ms,
  }),
  overloaded: (message = 'Overloaded'): ScriptedResponse => ({ kind: 'http_error', status: 529, message }),
  serverError: (message = 'Internal server error'): ScriptedResponse => ({ kind: 'http_error', status: 500, message }),
  unauthorized: (message = 'invalid x-api-key'): ScriptedResponse => ({ kind: 'http_error', status: 401, message }),
  /** A 401 whose body repeats the presented key: `<message>: <key>`. */
  unauthorizedEchoingKey: (message = 'Invalid API key provided'): ScriptedResponse => ({ kind: 'http_error', status: 401, message, echoKey: true }),
  forbidden: (message = 'Your API key does not have permission to use this model.'): ScriptedResponse => ({ kind: 'http_error', status: 403, message }),
  badRequest: (message: string): ScriptedResponse => ({ kind: 'http_error', status: 400, message }),
  contextTooLarge: (message?: string): ScriptedResponse => ({ kind: 'context_too_large', message }),
  reset: (textBefore = 'Partial '): ScriptedResponse => ({ kind: 'reset', textBefore }),
  stall: (textBefore = 'Partial '): ScriptedResponse => ({ kind: 'stall', textBefore }),
  malformed: (textBefore = 'Partial '): ScriptedResponse => ({ kind: 'malformed', textBefore }),
  streamError: (message = 'Overloaded', textBefore = 'Partial '): ScriptedResponse => ({ kind: 'stream_error', message, textBefore }),
};

/** Usage when a reply does not script it: 10 input tokens, ~4 characters per output token. */
export function usageOf(response: Extract<ScriptedResponse, { kind: 'reply' }>): Required<ScriptedUsage> {
  const u = response.usage;
  return {
    inputTokens: u?.inputTokens ?? 10,
    outputTokens: u?.outputTokens ?? Math.max(1, Math.ceil(response.text.length / 4)),
    cacheReadTokens: u?.cacheReadTokens ?? 0,
    cacheWriteTokens: u?.cacheWriteTokens ?? 0,
  };
}

/** Splits text into about `parts` pieces (at least one character each). */
export function splitText(text: string, parts = 3): string[] {
  if (!text) return [];
  const size = Math.max(1, Math.ceil(text.length / Math.max(1, parts)));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}
