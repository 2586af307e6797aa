import type { ServerResponse } from 'node:http';
import type { ScriptedResponse } from './scenario.js';

/** What a wire renderer knows about the request it answers. */
export interface WireRequest {
  /** Parsed JSON body. */
  body: Record<string, unknown>;
  /** Model named in the body. */
  model: string;
  /** 1-based index of this request among those sent to the same provider. */
  seq: number;
}

/** Renders one scripted response in one provider's wire format. */
export type WireRenderer = (res: ServerResponse, response: ScriptedResponse, request: WireRequest) => void;

/** Sends a JSON body with a status and extra headers. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text).toString(), ...headers });
  res.end(text);
}

/** `retry-after` / `retry-after-ms` headers for a scripted HTTP error. */
export function retryHeaders(response: Extract<ScriptedResponse, { kind: 'http_error' }>): Record<string, string> {
  const headers: Record<string, string> = {};
  if (response.retryAfterSeconds !== undefined) headers['retry-after'] = String(response.retryAfterSeconds);
  if (response.retryAfterMs !== undefined) headers['retry-after-ms'] = String(response.retryAfterMs);
  return headers;
}

/**
 * Writes `prefix` (events already streamed), then breaks the stream the way the scenario asks:
 * destroy the socket once the prefix is flushed (reset), send nothing more and keep the
 * connection open (stall; the emulator closes it on `close()`), or send `broken` and end (malformed event, in-stream error event).
 */
export function breakStream(res: ServerResponse, kind: 'reset' | 'stall' | 'malformed' | 'stream_error', prefix: string, broken: string): void {
  if (kind === 'reset') {
    res.write(prefix, () => setImmediate(() => res.socket?.destroy()));
    return;
  }
  if (kind === 'stall') {
    res.write(prefix);
    return;
  }
  res.end(prefix + broken);
}

/** A short random-looking id with a prefix, deterministic per request and index. */
export function wireId(prefix: string, seq: number, index = 0): string {
  return `${prefix}${seq.toString(36).padStart(4, '0')}${index.toString(36)}emu`;
}
