import { runAgentLoop, type ModelTurn, type ProviderConversation, type ToolCall, type ToolResult } from './agent-loop.js';
import { ClassifiedProviderError, classifyOllamaError, classifyOllamaResponse, failure, isConnectionError } from './error-classification.js';
import { OLLAMA_PREFERRED_DEFAULTS, pickOllamaDefault } from './model-catalog.js';
import { priceFor, registerPrices } from './pricing.js';
import { retryPolicyOf, type ProviderRuntimeOptions } from './provider-config.js';
import type { RuntimeAdapter, RuntimeDescriptor, RuntimeHooks, RuntimeRequest, RuntimeResult } from './runtime.js';
import { formatDuration } from '../format/index.js';

/** Where Ollama listens unless `ollama.baseUrl` says otherwise. */
export const DEFAULT_OLLAMA_BASE_URL = 'http://127.0.0.1:11434';

/**
 * `ollama`: a local Ollama server over its native API (`POST /api/chat`, NDJSON streaming, with
 * function tools), same loop as the cloud runtimes. Availability and the model list come from
 * `GET /api/tags`, probed with a short timeout each time the catalog is described.
 */
export class OllamaRuntime implements RuntimeAdapter {
  readonly id = 'ollama' as const;
  readonly resumesFromJournal = true;
  /** How long the availability probe waits for `/api/tags`, ms: a local server answers in a few ms. */
  private readonly probeTimeoutMs: number;

  constructor(private readonly opts: ProviderRuntimeOptions & { probeTimeoutMs?: number }) {
    this.probeTimeoutMs = opts.probeTimeoutMs ?? 1500;
  }

  /** The configured base URL without a trailing slash. */
  async baseUrl(): Promise<string> {
    const value = await this.opts.getSetting('ollama.baseUrl');
    return (typeof value === 'string' && value.trim() ? value.trim() : DEFAULT_OLLAMA_BASE_URL).replace(/\/+$/, '');
  }

  /** The models the server has, or why it cannot be reached. Each model gets a zero price row (local inference). */
  async probe(): Promise<{ ok: true; models: string[] } | { ok: false; reason: string }> {
    const base = await this.baseUrl();
    let res: Response;
    try {
      res = await fetch(`${base}/api/tags`, { signal: AbortSignal.timeout(this.probeTimeoutMs) });
    } catch (err) {
      if (err instanceof DOMException && err.name === 'TimeoutError')
        return { ok: false, reason: `Ollama at ${base} did not answer GET /api/tags within ${formatDuration(this.probeTimeoutMs)}.` };
      const refused = isConnectionError(err);
      return {
        ok: false,
        reason: refused
          ? `Ollama is not running at ${base} (connection refused or unreachable). Start it with \`ollama serve\` or set ollama.baseUrl.`
          : `Ollama at ${base} could not be reached: ${String(err)}.`,
      };
    }
    if (!res.ok) return { ok: false, reason: `Ollama at ${base} answered GET /api/tags with HTTP ${res.status}.` };
    let body: { models?: { name?: string; model?: string }[] };
    try {
      body = (await res.json()) as typeof body;
    } catch {
      return { ok: false, reason: `Ollama at ${base} answered GET /api/tags with something that is not JSON.` };
    }
    const models = (body.models ?? []).map((m) => m.name ?? m.model ?? '').filter(Boolean);
    priceLocally(models);
    return { ok: true, models };
  }

  async describe(): Promise<RuntimeDescriptor> {
    const probe = await this.probe();
    const base: Omit<RuntimeDescriptor, 'available' | 'unavailableReason' | 'models'> = {
      id: this.id,
      label: 'Ollama (local)',
      provider: 'ollama',
      description: 'Models running on this machine through a local Ollama server: free, private, offline; streaming and tools.',
      capabilities: ['streaming', 'tools', 'documents', 'offline', 'cancel'],
    };
    if (!probe.ok) return { ...base, available: false, unavailableReason: probe.reason, models: { default: '', supported: [] } };
    const fallback = pickOllamaDefault(probe.models);
    if (!fallback)
      return {
        ...base,
        available: false,
        unavailableReason: `Ollama is running at ${await this.baseUrl()} but has no models; pull one, e.g. \`ollama pull ${OLLAMA_PREFERRED_DEFAULTS[0]}\`.`,
        models: { default: '', supported: [] },
      };
    return { ...base, available: true, unavailableReason: null, models: { default: fallback, supported: probe.models } };
  }

  async run(request: RuntimeRequest, hooks: RuntimeHooks): Promise<RuntimeResult> {
    priceLocally([request.model]);
    const conversation = new OllamaConversation(await this.baseUrl(), request);
    return runAgentLoop(request, hooks, conversation, {
      clock: this.opts.clock,
      retry: retryPolicyOf(this.opts),
      random: this.opts.random,
      classify: classifyOllamaError,
    });
  }
}

/** Gives each local model without a price row a zero one: local inference has no per-token charge, so caps stay enforceable. */
function priceLocally(models: string[]): void {
  const free: Record<string, NonNullable<ReturnType<typeof priceFor>>> = {};
  for (const m of models)
    if (!priceFor(m))
      free[m] = {
        input: 0,
        output: 0,
        cacheRead: 0,
        cacheWrite: 0,
        contextWindow: 4096,
        source: 'local Ollama model, no per-token charge; context = Ollama default num_ctx',
      };
  registerPrices(free);
}

/** One line of Ollama's `/api/chat` stream. */
interface OllamaChunk {
  message?: { role?: string; content?: string; tool_calls?: { function?: { name?: string; arguments?: Record<string, unknown> | string } }[] };
  done?: boolean;
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
  error?: string;
}

type OllamaMessage = { role: 'system' | 'user' | 'assistant' | 'tool'; content: string; tool_calls?: unknown[]; tool_name?: string };

/** The `/api/chat` message history of one task. */
class OllamaConversation implements ProviderConversation {
  private readonly messages: OllamaMessage[] = [];
  private readonly tools: unknown[] | undefined;
  private calls = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly request: RuntimeRequest,
  ) {
    if (request.systemPrompt) this.messages.push({ role: 'system', content: request.systemPrompt });
    this.messages.push({ role: 'user', content: request.prompt });
    this.tools = request.tools.length
      ? request.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.inputSchema } }))
      : undefined;
  }

  async call(io: { signal: AbortSignal; onText(text: string): void; onActivity(): void }): Promise<ModelTurn> {
    this.calls += 1;
    const res = await fetch(`${this.baseUrl}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: this.request.model,
        messages: this.messages,
        tools: this.tools,
        stream: true,
        options: { num_predict: this.request.maxOutputTokens },
      }),
      signal: io.signal,
    });
    if (!res.ok || !res.body) {
      const body = await res.text().catch(() => '');
      throw new ClassifiedProviderError(classifyOllamaResponse(res.status, errorText(body) || `HTTP ${res.status}`, res.headers));
    }
    let text = '';
    const toolCalls: ToolCall[] = [];
    let last: OllamaChunk | undefined;
    for await (const chunk of ndjson(res.body, io.onActivity)) {
      if (chunk.error) throw new ClassifiedProviderError(classifyOllamaResponse(undefined, chunk.error));
      const content = chunk.message?.content;
      if (content) {
        text += content;
        io.onText(content);
      }
      for (const tc of chunk.message?.tool_calls ?? []) {
        const args = tc.function?.arguments;
        const input = typeof args === 'string' ? safeObject(args) : (args ?? {});
        toolCalls.push({ id: `call_${this.calls}_${toolCalls.length + 1}`, name: tc.function?.name ?? '', input });
      }
      if (chunk.done) last = chunk;
    }
    if (!last && !io.signal.aborted) throw new ClassifiedProviderError(failure('CONNECTION', 'The Ollama stream ended before its done line.'));
    return {
      text,
      toolCalls,
      stop: toolCalls.length ? 'tool_use' : last?.done_reason === 'length' ? 'max_tokens' : 'end',
      usage: {
        model: this.request.model,
        inputTokens: last?.prompt_eval_count ?? 0,
        outputTokens: last?.eval_count ?? 0,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
      },
    };
  }

  addAssistantTurn(turn: ModelTurn): void {
    const toolCalls = turn.toolCalls.map((c) => ({ function: { name: c.name, arguments: c.input } }));
    this.messages.push({ role: 'assistant', content: turn.text, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) });
  }

  addToolResults(results: ToolResult[]): void {
    for (const r of results) this.messages.push({ role: 'tool', tool_name: r.call.name, content: r.isError ? `Error: ${r.content}` : r.content });
  }

  addContinuation(): void {
    this.messages.push({ role: 'user', content: 'Please continue from where you stopped.' });
  }

  snapshot(): unknown {
    return structuredClone(this.messages);
  }

  restore(snapshot: unknown): void {
    this.messages.splice(0, this.messages.length, ...(snapshot as OllamaMessage[]));
  }
}

/** Parses an NDJSON body line by line; a line that is not JSON throws `SyntaxError` (classified as a malformed event). */
async function* ndjson(body: ReadableStream<Uint8Array>, onActivity: () => void): AsyncGenerator<OllamaChunk> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const bytes of body as unknown as AsyncIterable<Uint8Array>) {
    onActivity();
    buffer += decoder.decode(bytes, { stream: true });
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line) yield JSON.parse(line) as OllamaChunk;
    }
  }
  if (buffer.trim()) yield JSON.parse(buffer) as OllamaChunk;
}

function errorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    return typeof parsed.error === 'string' ? parsed.error : body;
  } catch {
    return body;
  }
}

function safeObject(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
