import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../clock.js';
import { categoryForStatus, failure, retryAfterMs } from './error-classification.js';
import type { ClassifiedFailure } from './failure-category.js';
import { retryDelay, type RetryPolicy } from './retry-policy.js';

/**
 * A loopback proxy between the Codex CLI and its provider: Codex's `base_url` points here, and every
 * model call (`POST …/responses`) passes through, so Stagent sees each call as the provider answers
 * it, before Codex does:
 *
 * - a call beyond `maxTurns` is refused before it reaches the provider;
 * - the call's usage (`response.completed`) is reported and its verdict awaited **before** Codex
 *   receives the end of the response; the call's tool calls (`response.output_item.done` of a
 *   function or custom tool call, which Codex runs as soon as it reads them) are held until then,
 *   so a stop verdict ends the task with no tool of that call run and no next request sent;
 * - an HTTP failure before any byte was forwarded is retried here with our policy (`retry-after`
 *   honoured), invisible to Codex; a final one is classified from the provider's status and body.
 *
 * Each call's body gets the task's `max_output_tokens`; everything else (text deltas, other
 * requests) passes through unchanged.
 */

/** The usage object of a Responses API `response.completed` / `response.incomplete`. */
export interface ResponsesUsage {
  input_tokens?: number;
  output_tokens?: number;
  input_tokens_details?: { cached_tokens?: number };
}

/** What the proxy reports to the session. */
export interface ProxyHooks {
  /** A model call arrives; false refuses it (the turn limit is reached). */
  onCall(): boolean;
  /** The call's usage; resolves false to stop the task (the rest of the response is never forwarded). */
  onUsage(usage: ResponsesUsage): Promise<boolean>;
  onRetry(info: { attempt: number; delayMs: number; failure: ClassifiedFailure }): void;
  /** A call failed for good (passed on to Codex as the provider sent it). */
  onFailure(f: ClassifiedFailure): void;
  /** Bytes arrived from the provider. */
  activity(): void;
  /** Streamed answer text (`response.output_text.delta`). */
  onDelta(text: string): void;
}

/** What the proxy needs besides its hooks. */
export interface ProxyOptions {
  /** The provider's base URL, `…/v1`. */
  upstream: string;
  clock: Clock;
  retry: RetryPolicy;
  random?: () => number;
  /** Aborted when the task stops: upstream requests and waits end. */
  signal: AbortSignal;
  /** Set as each call's `max_output_tokens` (Codex has no setting for it). */
  maxOutputTokens?: number;
}

/** Headers not forwarded either way (hop-by-hop, or recomputed by fetch). */
const DROPPED = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'accept-encoding', 'content-encoding', 'keep-alive']);
/** Output items Codex acts on as soon as it reads them. */
const TOOL_ITEMS = new Set(['function_call', 'custom_tool_call', 'local_shell_call', 'tool_search_call', 'web_search_call']);

/** A running proxy: the base URL to give Codex, and `close()`. */
export interface CodexProviderProxy {
  baseUrl: string;
  close(): Promise<void>;
}

/** Starts the proxy on an ephemeral loopback port. */
export async function startCodexProviderProxy(opts: ProxyOptions, hooks: ProxyHooks): Promise<CodexProviderProxy> {
  const server: Server = createServer((req, res) => {
    void forward(req, opts, hooks)
      .then((answer) => {
        if (!answer) return void res.destroy();
        res.writeHead(answer.status, answer.headers);
        return answer.body ? pump(answer.body, (chunk) => res.write(chunk), opts, hooks).then((ok) => (ok ? res.end() : res.destroy())) : res.end(answer.text);
      })
      .catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type Answer = { status: number; headers: Record<string, string>; text?: string; body?: ReadableStream<Uint8Array> };

function forwardHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !DROPPED.has(k)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function responseHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((v, k) => {
    if (!DROPPED.has(k)) out[k] = v;
  });
  return out;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of req) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

/** Sends one request upstream, retrying a model call's failures; undefined = drop the connection. */
async function forward(req: IncomingMessage, opts: ProxyOptions, hooks: ProxyHooks): Promise<Answer | undefined> {
  const path = (req.url ?? '/').replace(/^\/v1/, '');
  const url = `${opts.upstream.replace(/\/+$/, '')}${path}`;
  const isCall = req.method === 'POST' && /\/responses(\?|$)/.test(path);
  const body = isCall ? withMaxOutputTokens(await readBody(req), req.headers, opts.maxOutputTokens) : await readBody(req);
  if (isCall && !hooks.onCall()) return undefined;
  for (let attempt = 1; ; attempt++) {
    let f: ClassifiedFailure;
    let answer: Answer;
    try {
      const upstream = await fetch(url, {
        method: req.method,
        headers: forwardHeaders(req.headers),
        // A view of the bytes: DOM's BodyInit (the API's typings) does not name Node's Buffer.
        body: req.method === 'GET' || req.method === 'HEAD' || !body ? undefined : new Uint8Array(body),
        signal: opts.signal,
      });
      hooks.activity();
      if (upstream.ok) return { status: upstream.status, headers: responseHeaders(upstream.headers), body: upstream.body ?? undefined };
      const text = await upstream.text();
      f = classifyHttp(upstream.status, text, upstream.headers, opts.clock.now());
      answer = { status: upstream.status, headers: responseHeaders(upstream.headers), text };
    } catch (err) {
      if (opts.signal.aborted) return undefined;
      f = failure('CONNECTION', `Cannot reach the provider at ${opts.upstream}: ${err instanceof Error ? err.message : String(err)}`, { retryable: true });
      answer = {
        status: 502,
        headers: { 'content-type': 'application/json' },
        text: JSON.stringify({ error: { message: f.message, type: 'connection_error' } }),
      };
    }
    if (!isCall) return answer;
    const delayMs = retryDelay(opts.retry, attempt, f, opts.random);
    if (delayMs === undefined) {
      hooks.onFailure(f);
      return answer;
    }
    hooks.onRetry({ attempt: attempt + 1, delayMs, failure: f });
    try {
      await opts.clock.sleep(delayMs, opts.signal);
    } catch {
      return undefined;
    }
  }
}

/** The call's JSON body with `max_output_tokens` set, unless Codex set one or the body is compressed. */
function withMaxOutputTokens(body: Buffer, headers: IncomingHttpHeaders, max: number | undefined): Buffer {
  if (!max || headers['content-encoding']) return body;
  try {
    const json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    if (json.max_output_tokens !== undefined) return body;
    return Buffer.from(JSON.stringify({ ...json, max_output_tokens: max }));
  } catch {
    return body;
  }
}

/** An HTTP failure from the provider's status, its OpenAI error body and `retry-after`. */
export function classifyHttp(status: number, text: string, headers: Headers, now?: number): ClassifiedFailure {
  let error: { message?: string; code?: string | null; type?: string } = {};
  try {
    error = ((JSON.parse(text) as { error?: typeof error }).error ?? {}) as typeof error;
  } catch {
    // not JSON: the text is the evidence
  }
  const message = error.message || text.slice(0, 500) || `HTTP ${status}`;
  const extra = { httpStatus: status, retryAfterMs: retryAfterMs(headers, now) };
  if (error.code === 'context_length_exceeded') return failure('CONTEXT_TOO_LARGE', message, { ...extra, retryable: false });
  if (error.code === 'insufficient_quota') return failure('RATE_LIMITED', message, { ...extra, retryable: false });
  const byStatus = categoryForStatus(status);
  return failure(byStatus.category, message, { ...extra, retryable: byStatus.retryable });
}

/**
 * Streams a successful call's SSE to Codex, holding its tool-call items until the usage verdict;
 * resolves false when the verdict stopped the task (the connection is then dropped).
 */
async function pump(body: ReadableStream<Uint8Array>, write: (chunk: string) => void, opts: ProxyOptions, hooks: ProxyHooks): Promise<boolean> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const held: string[] = [];
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      hooks.activity();
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.search(/\r?\n\r?\n/); end >= 0; end = buffer.search(/\r?\n\r?\n/)) {
        const sep = /\r?\n\r?\n/.exec(buffer.slice(end))![0].length;
        const block = buffer.slice(0, end + sep);
        buffer = buffer.slice(end + sep);
        const event = parseEvent(block);
        if (event?.type === 'response.output_item.done' && TOOL_ITEMS.has(String(event.item?.type))) {
          held.push(block);
          continue;
        }
        if (event?.type === 'response.output_text.delta' && typeof event.delta === 'string') hooks.onDelta(event.delta);
        if ((event?.type === 'response.completed' || event?.type === 'response.incomplete') && event.response?.usage) {
          if (!(await hooks.onUsage(event.response.usage))) return false;
        }
        for (const h of held.splice(0)) write(h);
        write(block);
      }
    }
    for (const h of held.splice(0)) write(h);
    if (buffer) write(buffer);
    return true;
  } catch {
    // The provider's stream broke (or the task stopped): Codex sees its connection drop.
    return false;
  }
}

function parseEvent(block: string): { type?: string; delta?: unknown; item?: { type?: string }; response?: { usage?: ResponsesUsage } } | undefined {
  const data = block
    .split(/\r?\n/)
    .filter((l) => l.startsWith('data:'))
    .map((l) => l.slice(5).trimStart())
    .join('\n');
  if (!data) return undefined;
  try {
    return JSON.parse(data) as ReturnType<typeof parseEvent>;
  } catch {
    return undefined;
  }
}
