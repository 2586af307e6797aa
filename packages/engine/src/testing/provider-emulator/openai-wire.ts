import type { ServerResponse } from 'node:http';
import { splitText, usageOf, type ScriptedResponse } from './scenario.js';
import { breakStream, retryHeaders, sendJson, wireId, type WireRenderer, type WireRequest } from './wire-common.js';

/** OpenAI's error `type` / `code` for each HTTP status the emulator sends (Chat Completions and Responses alike). */
export const OPENAI_ERRORS: Record<number, { type: string; code: string | null }> = {
  400: { type: 'invalid_request_error', code: null },
  401: { type: 'invalid_request_error', code: 'invalid_api_key' },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory' },
  404: { type: 'invalid_request_error', code: 'model_not_found' },
  429: { type: 'requests', code: 'rate_limit_exceeded' },
  500: { type: 'server_error', code: null },
  503: { type: 'server_error', code: null },
  529: { type: 'server_error', code: null },
};

function data(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

function chunk(request: WireRequest, delta: Record<string, unknown>, finish: string | null = null): string {
  return data({
    id: wireId('chatcmpl-', request.seq),
    object: 'chat.completion.chunk',
    created: 1_767_225_600,
    model: request.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
}

function openStream(res: ServerResponse, request: WireRequest): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-request-id': wireId('req_', request.seq) });
  res.write(chunk(request, { role: 'assistant', content: '' }));
}

/**
 * Renders a scripted response as OpenAI Chat Completions does (`POST /v1/chat/completions`,
 * `stream: true`); the usage chunk is sent only when the request asks with `stream_options.include_usage`.
 */
export const renderOpenAI: WireRenderer = (res, response: ScriptedResponse, request) => {
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
          message:
            response.message ??
            "This model's maximum context length is 128000 tokens. However, your messages resulted in 212345 tokens. Please reduce the length of the messages.",
          type: 'invalid_request_error',
          param: 'messages',
          code: 'context_length_exceeded',
        },
      });
    case 'reset':
    case 'stall':
    case 'malformed':
    case 'stream_error':
      openStream(res, request);
      return breakStream(
        res,
        response.kind,
        response.textBefore ? chunk(request, { content: response.textBefore }) : '',
        response.kind === 'stream_error'
          ? data({ error: { message: response.message, type: 'server_error', param: null, code: null } })
          : 'data: {"id":"chatcmpl-broken","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"oo\n\n',
      );
    case 'reply': {
      openStream(res, request);
      let body = '';
      for (const content of splitText(response.text, response.chunks)) body += chunk(request, { content });
      for (const [i, call] of (response.toolCalls ?? []).entries()) {
        const args = JSON.stringify(call.input);
        const half = Math.ceil(args.length / 2);
        const id = call.id ?? wireId('call_', request.seq, i);
        body += chunk(request, { tool_calls: [{ index: i, id, type: 'function', function: { name: call.name, arguments: args.slice(0, half) } }] });
        body += chunk(request, { tool_calls: [{ index: i, function: { arguments: args.slice(half) } }] });
      }
      const finish = response.toolCalls?.length ? 'tool_calls' : response.stopReason === 'max_tokens' ? 'length' : 'stop';
      body += chunk(request, {}, finish);
      const options = request.body.stream_options as { include_usage?: boolean } | undefined;
      if (options?.include_usage) {
        const u = usageOf(response);
        const prompt = u.inputTokens + u.cacheReadTokens;
        body += data({
          id: wireId('chatcmpl-', request.seq),
          object: 'chat.completion.chunk',
          created: 1_767_225_600,
          model: request.model,
          choices: [],
          usage: {
            prompt_tokens: prompt,
            completion_tokens: u.outputTokens,
            total_tokens: prompt + u.outputTokens,
            prompt_tokens_details: { cached_tokens: u.cacheReadTokens },
          },
        });
      }
      res.end(`${body}data: [DONE]\n\n`);
      return;
    }
  }
};
