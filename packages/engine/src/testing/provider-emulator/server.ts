import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderAnthropic } from './anthropic-wire.js';
import { ollamaTags, renderOllama } from './ollama-wire.js';
import { renderOpenAIResponses } from './openai-responses-wire.js';
import { renderOpenAI } from './openai-wire.js';
import { scripted, type EmulatedProvider, type ScriptedResponse } from './scenario.js';
import { sendJson, type WireRenderer } from './wire-common.js';

/** A request the emulator received, body parsed. */
export interface RecordedRequest {
  provider: EmulatedProvider;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

const RENDERERS: Record<EmulatedProvider, WireRenderer> = {
  anthropic: renderAnthropic,
  openai: renderOpenAI,
  'openai-responses': renderOpenAIResponses,
  ollama: renderOllama,
};

/** Which provider a model request path belongs to. */
function providerOf(method: string, path: string): EmulatedProvider | undefined {
  if (method !== 'POST') return undefined;
  if (path === '/v1/messages') return 'anthropic';
  if (path === '/v1/chat/completions' || path === '/chat/completions') return 'openai';
  if (path === '/v1/responses' || path === '/responses') return 'openai-responses';
  if (path === '/api/chat') return 'ollama';
  return undefined;
}

/**
 * A loopback HTTP server (127.0.0.1, port 0) that answers model requests from scripted
 * responses in the Anthropic Messages, OpenAI Chat Completions, OpenAI Responses (`/v1/responses`,
 * what the Codex CLI calls) and Ollama `/api/chat` wire formats, streaming included, and records every request body it receives.
 *
 * Point the real SDKs at it the standard way: `ANTHROPIC_BASE_URL = emulator.url`,
 * `OPENAI_BASE_URL = emulator.openaiBaseUrl`, `ollama.baseUrl = emulator.url`.
 */
export class ProviderEmulator {
  /** Every model request received, in arrival order (`GET /api/tags` is not recorded). */
  readonly requests: RecordedRequest[] = [];
  /** Models `GET /api/tags` lists; `{ status }` makes it fail with that HTTP status. */
  ollamaModels: string[] | { status: number } = ['llama3.2:latest'];
  private readonly queues: Record<EmulatedProvider, (ScriptedResponse | ScriptedResponder)[]> = {
    anthropic: [],
    openai: [],
    'openai-responses': [],
    ollama: [],
  };
  private readonly fallbacks: Partial<Record<EmulatedProvider, ScriptedResponse>> = {};
  private server: Server | undefined;
  private port = 0;

  /** Starts listening on an ephemeral loopback port. */
  async start(): Promise<this> {
    // A request that breaks while being read (client gone) just closes its socket.
    const server = createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  /** Stops listening and cuts every open connection (stalled streams included). */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** `http://127.0.0.1:<port>`: the Anthropic SDK's and Ollama's base URL. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `http://127.0.0.1:<port>/v1`: the OpenAI SDK's base URL. */
  get openaiBaseUrl(): string {
    return `${this.url}/v1`;
  }

  /**
   * Queues responses for a provider's next requests, in order. A function answers from the
   * request's body (a model that reads the tool results it was sent: ids made by an earlier call).
   */
  script(provider: EmulatedProvider, ...responses: (ScriptedResponse | ScriptedResponder)[]): this {
    this.queues[provider].push(...responses);
    return this;
  }

  /** The response for every request once the provider's queue is empty (e.g. a persistent 529). */
  always(provider: EmulatedProvider, response: ScriptedResponse | undefined): this {
    if (response) this.fallbacks[provider] = response;
    else delete this.fallbacks[provider];
    return this;
  }

  /** Forgets scripts, fallbacks and recorded requests. */
  reset(): void {
    for (const q of Object.values(this.queues)) q.length = 0;
    for (const k of Object.keys(this.fallbacks) as EmulatedProvider[]) delete this.fallbacks[k];
    this.requests.length = 0;
    this.ollamaModels = ['llama3.2:latest'];
  }

  /** The recorded requests of one provider. */
  requestsFor(provider: EmulatedProvider): RecordedRequest[] {
    return this.requests.filter((r) => r.provider === provider);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', this.url).pathname;
    const raw = await readBody(req);
    if (method === 'GET' && path === '/api/tags') {
      const models = this.ollamaModels;
      return Array.isArray(models)
        ? sendJson(res, 200, ollamaTags(models))
        : sendJson(res, models.status, { error: `emulated /api/tags failure (${models.status})` });
    }
    const provider = providerOf(method, path);
    if (!provider) return sendJson(res, 404, { error: `provider emulator: no route for ${method} ${path}` });
    let body: Record<string, unknown>;
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return sendJson(res, 400, { error: 'provider emulator: request body is not JSON' });
    }
    this.requests.push({ provider, method, path, headers: { ...req.headers }, body });
    // An unscripted request fails fast (400, not retried) so a test sees what it forgot to script.
    const next = this.queues[provider].shift();
    const response =
      (typeof next === 'function' ? next(body) : next) ??
      this.fallbacks[provider] ??
      scripted.badRequest(`provider emulator: nothing scripted for ${provider} request #${this.requestsFor(provider).length}`);
    RENDERERS[provider](res, withEchoedKey(response, req), { body, model: String(body.model ?? ''), seq: this.requestsFor(provider).length });
  }
}

/** Answers one request from its JSON body (see {@link ProviderEmulator.script}). */
export type ScriptedResponder = (body: Record<string, unknown>) => ScriptedResponse;

/** An `echoKey` error's message with the key the request presented appended. */
function withEchoedKey(response: ScriptedResponse, req: IncomingMessage): ScriptedResponse {
  if (response.kind !== 'http_error' || !response.echoKey) return response;
  const bearer = /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
  const key = String(req.headers['x-api-key'] ?? bearer ?? '');
  return { ...response, message: `${response.message}: ${key}` };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

/** Starts a {@link ProviderEmulator}. */
export async function startProviderEmulator(): Promise<ProviderEmulator> {
  return new ProviderEmulator().start();
}
