import type { ServerResponse } from 'node:http';
import { splitText, usageOf, type ScriptedResponse } from './scenario.js';
import { breakStream, retryHeaders, sendJson, wireId, type WireRenderer, type WireRequest } from './wire-common.js';

/** Anthropic's error `type` for each HTTP status the emulator sends. */
const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

function openStream(res: ServerResponse, request: WireRequest, usage: { inputTokens: number; cacheReadTokens: number; cacheWriteTokens: number }): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': wireId('req_', request.seq) });
  res.write(
    sse('message_start', {
      type: 'message_start',
      message: {
        id: wireId('msg_', request.seq),
        type: 'message',
        role: 'assistant',
        model: request.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: usage.inputTokens,
          output_tokens: 1,
          cache_creation_input_tokens: usage.cacheWriteTokens,
          cache_read_input_tokens: usage.cacheReadTokens,
        },
      },
    }),
  );
}

function textBlock(index: number, pieces: string[]): string {
  let out = sse('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
  out += sse('ping', { type: 'ping' });
  for (const text of pieces) out += sse('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
  return out + sse('content_block_stop', { type: 'content_block_stop', index });
}

/** Renders a scripted response as the Anthropic Messages API does (`POST /v1/messages`, `stream: true`). */
export const renderAnthropic: WireRenderer = (res, response: ScriptedResponse, request) => {
  switch (response.kind) {
    case 'http_error':
      return sendJson(
        res,
        response.status,
        { type: 'error', error: { type: response.errorType ?? ERROR_TYPES[response.status] ?? 'api_error', message: response.message } },
        retryHeaders(response),
      );
    case 'context_too_large':
      return sendJson(res, 400, {
        type: 'error',
        error: { type: 'invalid_request_error', message: response.message ?? 'prompt is too long: 212345 tokens > 200000 maximum' },
      });
    case 'reset':
    case 'stall':
    case 'malformed':
    case 'stream_error':
      openStream(res, request, { inputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0 });
      return breakStream(
        res,
        response.kind,
        sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }) +
          (response.textBefore
            ? sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: response.textBefore } })
            : ''),
        response.kind === 'stream_error'
          ? sse('error', { type: 'error', error: { type: 'overloaded_error', message: response.message } })
          : 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_de\n\n',
      );
    case 'reply': {
      const usage = usageOf(response);
      openStream(res, request, usage);
      let index = 0;
      let body = '';
      if (response.text) body += textBlock(index++, splitText(response.text, response.chunks));
      for (const [i, call] of (response.toolCalls ?? []).entries()) {
        const json = JSON.stringify(call.input);
        const half = Math.ceil(json.length / 2);
        body += sse('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id: call.id ?? wireId('toolu_', request.seq, i), name: call.name, input: {} },
        });
        for (const partial_json of [json.slice(0, half), json.slice(half)])
          body += sse('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } });
        body += sse('content_block_stop', { type: 'content_block_stop', index });
        index += 1;
      }
      const stop = response.toolCalls?.length ? 'tool_use' : response.stopReason === 'max_tokens' ? 'max_tokens' : 'end_turn';
      body += sse('message_delta', { type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: usage.outputTokens } });
      body += sse('message_stop', { type: 'message_stop' });
      res.end(body);
      return;
    }
  }
};
