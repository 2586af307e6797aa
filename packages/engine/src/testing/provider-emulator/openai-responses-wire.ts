import type { ServerResponse } from 'node:http';
import { OPENAI_ERRORS } from './openai-wire.js';
import { splitText, usageOf, type ScriptedResponse, type ScriptedToolCall } from './scenario.js';
import { breakStream, retryHeaders, sendJson, wireId, type WireRenderer, type WireRequest } from './wire-common.js';

/**
 * The OpenAI **Responses** API (`POST /v1/responses`, `stream: true`), the wire the Codex CLI
 * speaks to its provider: named SSE events (`event: <type>` + `data: {type, sequence_number, ...}`)
 * from `response.created` through output items (assistant messages streamed as
 * `response.output_text.delta`, function calls as `response.function_call_arguments.delta`, calls of
 * freeform tools such as Codex's `exec` as `custom_tool_call` items) to
 * `response.completed` carrying the call's usage. `input_tokens` counts cached input too (its
 * `input_tokens_details.cached_tokens` is the cached share), as OpenAI reports it.
 */

/** Writes SSE events with increasing sequence numbers. */
class EventWriter {
  private seq = 0;
  event(type: string, payload: Record<string, unknown>): string {
    return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: this.seq++, ...payload })}\n\n`;
  }
}

type Item = Record<string, unknown>;

function responseObject(request: WireRequest, status: string, output: Item[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: wireId('resp_', request.seq),
    object: 'response',
    created_at: 1_767_225_600,
    status,
    model: request.model,
    output,
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: [],
    error: null,
    incomplete_details: null,
    usage: null,
    ...extra,
  };
}

function openStream(res: ServerResponse, request: WireRequest, w: EventWriter): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-request-id': wireId('req_', request.seq) });
  res.write(
    w.event('response.created', { response: responseObject(request, 'in_progress', []) }) +
      w.event('response.in_progress', { response: responseObject(request, 'in_progress', []) }),
  );
}

/** A streamed assistant message: added, content part, text deltas, done. */
function messageEvents(w: EventWriter, id: string, index: number, chunks: string[]): { body: string; item: Item } {
  const text = chunks.join('');
  const part = { type: 'output_text', text: '', annotations: [] };
  let body = w.event('response.output_item.added', {
    output_index: index,
    item: { id, type: 'message', status: 'in_progress', role: 'assistant', content: [] },
  });
  body += w.event('response.content_part.added', { item_id: id, output_index: index, content_index: 0, part });
  for (const delta of chunks) body += w.event('response.output_text.delta', { item_id: id, output_index: index, content_index: 0, delta, logprobs: [] });
  body += w.event('response.output_text.done', { item_id: id, output_index: index, content_index: 0, text, logprobs: [] });
  body += w.event('response.content_part.done', { item_id: id, output_index: index, content_index: 0, part: { ...part, text } });
  const item = { id, type: 'message', status: 'completed', role: 'assistant', content: [{ ...part, text }] };
  body += w.event('response.output_item.done', { output_index: index, item });
  return { body, item };
}

/** A function call (JSON arguments) or a custom tool call (freeform input), streamed in two deltas. */
function toolCallEvents(w: EventWriter, request: WireRequest, index: number, i: number, call: ScriptedToolCall): { body: string; item: Item } {
  const custom = call.freeform !== undefined;
  const id = wireId(custom ? 'ctc_' : 'fc_', request.seq, i);
  const payload = custom ? call.freeform! : JSON.stringify(call.input);
  const field = custom ? 'input' : 'arguments';
  const kind = custom ? 'custom_tool_call_input' : 'function_call_arguments';
  const half = Math.ceil(payload.length / 2);
  const item: Item = {
    id,
    type: custom ? 'custom_tool_call' : 'function_call',
    status: 'in_progress',
    call_id: call.id ?? wireId('call_', request.seq, i),
    name: call.name,
    ...(call.namespace ? { namespace: call.namespace } : {}),
    [field]: '',
  };
  let body = w.event('response.output_item.added', { output_index: index, item });
  for (const delta of [payload.slice(0, half), payload.slice(half)]) body += w.event(`response.${kind}.delta`, { item_id: id, output_index: index, delta });
  body += w.event(`response.${kind}.done`, { item_id: id, output_index: index, [field]: payload });
  const done = { ...item, status: 'completed', [field]: payload };
  body += w.event('response.output_item.done', { output_index: index, item: done });
  return { body, item: done };
}

/**
 * Renders a scripted response as the Responses API does. `http_error` and `context_too_large`
 * are plain JSON errors (`{ error: { message, type, param, code } }`); `stream_error` is an
 * `error` event followed by `response.failed`, which is what the Codex CLI reads.
 */
export const renderOpenAIResponses: WireRenderer = (res, response: ScriptedResponse, request) => {
  const w = new EventWriter();
  switch (response.kind) {
    case 'http_error': {
      const e = OPENAI_ERRORS[response.status] ?? { type: 'server_error', code: null };
      return sendJson(
        res,
        response.status,
        { error: { message: response.message, type: response.errorType ?? e.type, param: null, code: response.code ?? e.code } },
        retryHeaders(response),
      );
    }
    case 'context_too_large':
      return sendJson(res, 400, {
        error: {
          message: response.message ?? 'Your input exceeds the context window of this model. Please adjust your input and try again.',
          type: 'invalid_request_error',
          param: 'input',
          code: 'context_length_exceeded',
        },
      });
    case 'reset':
    case 'stall':
    case 'malformed':
    case 'stream_error': {
      openStream(res, request, w);
      const id = wireId('msg_', request.seq);
      const prefix = response.textBefore
        ? w.event('response.output_item.added', { output_index: 0, item: { id, type: 'message', status: 'in_progress', role: 'assistant', content: [] } }) +
          w.event('response.output_text.delta', { item_id: id, output_index: 0, content_index: 0, delta: response.textBefore, logprobs: [] })
        : '';
      const error = { code: 'server_error', message: response.kind === 'stream_error' ? response.message : '' };
      return breakStream(
        res,
        response.kind,
        prefix,
        response.kind === 'stream_error'
          ? w.event('error', { ...error, param: null }) + w.event('response.failed', { response: responseObject(request, 'failed', [], { error }) })
          : 'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"oo\n\n',
      );
    }
    case 'reply': {
      openStream(res, request, w);
      const output: Item[] = [];
      let body = '';
      if (response.text) {
        const message = messageEvents(w, wireId('msg_', request.seq), output.length, splitText(response.text, response.chunks));
        body += message.body;
        output.push(message.item);
      }
      for (const [i, call] of (response.toolCalls ?? []).entries()) {
        const index = output.length;
        const tool = toolCallEvents(w, request, index, i, call);
        body += tool.body;
        output.push(tool.item);
      }
      const u = usageOf(response);
      const input = u.inputTokens + u.cacheReadTokens;
      const usage = {
        input_tokens: input,
        input_tokens_details: { cached_tokens: u.cacheReadTokens },
        output_tokens: u.outputTokens,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: input + u.outputTokens,
      };
      body +=
        response.stopReason === 'max_tokens'
          ? w.event('response.incomplete', {
              response: responseObject(request, 'incomplete', output, { usage, incomplete_details: { reason: 'max_output_tokens' } }),
            })
          : w.event('response.completed', { response: responseObject(request, 'completed', output, { usage }) });
      res.end(body);
      return;
    }
  }
};
