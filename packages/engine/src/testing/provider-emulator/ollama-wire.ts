import type { ServerResponse } from 'node:http';
import { splitText, usageOf, type ScriptedResponse } from './scenario.js';
import { breakStream, retryHeaders, sendJson, type WireRenderer, type WireRequest } from './wire-common.js';

function line(payload: unknown): string {
  return `${JSON.stringify(payload)}\n`;
}

const CREATED_AT = '2026-01-05T08:00:00.000Z';

function message(request: WireRequest, msg: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return line({ model: request.model, created_at: CREATED_AT, message: { role: 'assistant', content: '', ...msg }, done: false, ...extra });
}

function openStream(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
}

/** Renders a scripted response as Ollama's `POST /api/chat` does (NDJSON, one object per line, a final `done` line with counts). */
export const renderOllama: WireRenderer = (res, response: ScriptedResponse, request) => {
  switch (response.kind) {
    case 'http_error':
      return sendJson(res, response.status, { error: response.message }, retryHeaders(response));
    case 'context_too_large':
      return sendJson(res, 400, { error: response.message ?? 'the input length exceeds the context length' });
    case 'reset':
    case 'stall':
    case 'malformed':
    case 'stream_error':
      openStream(res);
      return breakStream(
        res,
        response.kind,
        response.textBefore ? message(request, { content: response.textBefore }) : '',
        response.kind === 'stream_error' ? line({ error: response.message }) : '{"model":"broken","message":{"role":"assistant","content":"oo\n',
      );
    case 'reply': {
      openStream(res);
      let body = '';
      for (const content of splitText(response.text, response.chunks)) body += message(request, { content });
      const calls = response.toolCalls ?? [];
      if (calls.length) body += message(request, { tool_calls: calls.map((c) => ({ function: { name: c.name, arguments: c.input } })) });
      const u = usageOf(response);
      body += line({
        model: request.model,
        created_at: CREATED_AT,
        message: { role: 'assistant', content: '' },
        done: true,
        done_reason: response.stopReason === 'max_tokens' ? 'length' : 'stop',
        total_duration: 1_000_000,
        prompt_eval_count: u.inputTokens,
        eval_count: u.outputTokens,
      });
      res.end(body);
      return;
    }
  }
};

/** The `GET /api/tags` body for a list of model names. */
export function ollamaTags(models: readonly string[]): unknown {
  return {
    models: models.map((name, i) => ({
      name,
      model: name,
      modified_at: CREATED_AT,
      size: 2_019_393_189,
      digest: `${i}`.padStart(64, '0'),
      details: { format: 'gguf', family: name.split(/[.:]/)[0], parameter_size: '3.2B', quantization_level: 'Q4_K_M' },
    })),
  };
}
