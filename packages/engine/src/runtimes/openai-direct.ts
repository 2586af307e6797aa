import OpenAI from 'openai';
import type {
  ChatCompletionFunctionTool,
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions/completions';
import { runAgentLoop, type ModelTurn, type ProviderConversation, type ToolCall, type ToolResult, type TurnStop } from './agent-loop.js';
import { ClassifiedProviderError, classifyOpenAIError, failure } from './error-classification.js';
import { modelsFor } from './model-catalog.js';
import { envBaseUrl, resolveApiKey, retryPolicyOf, type ProviderRuntimeOptions } from './provider-config.js';
import type { RuntimeAdapter, RuntimeDescriptor, RuntimeHooks, RuntimeRequest, RuntimeResult } from './runtime.js';

/**
 * `openai-direct`: OpenAI models through the **Chat Completions** API of the `openai` SDK,
 * streamed with `stream_options.include_usage` so every call reports its usage. Why Chat
 * Completions rather than Responses: the full transcript (including the model's own
 * `tool_calls` turns) is sent on every call, so no server-side state (`previous_response_id`,
 * `store`) can drift from ours; it is the wire format every OpenAI-compatible server speaks,
 * so `OPENAI_BASE_URL` can point at vLLM, LM Studio or a gateway; and the models we list
 * support it fully. See runtimes/README.md. Key from `openai.apiKey`, else `OPENAI_API_KEY`.
 */
export class OpenAIDirectRuntime implements RuntimeAdapter {
  readonly id = 'openai-direct' as const;
  readonly resumesFromJournal = true;

  constructor(private readonly opts: ProviderRuntimeOptions) {}

  async describe(): Promise<RuntimeDescriptor> {
    const key = await resolveApiKey(this.opts, 'openai.apiKey', 'OPENAI_API_KEY');
    return {
      id: this.id,
      label: 'OpenAI API',
      provider: 'openai',
      description: 'OpenAI models through the Chat Completions API, called in-process: streaming and function tools over the step documents.',
      available: key !== undefined,
      unavailableReason: key === undefined ? 'No OpenAI API key: set the openai.apiKey setting or OPENAI_API_KEY in the environment.' : null,
      models: modelsFor(this.id),
      capabilities: ['streaming', 'tools', 'documents', 'cancel'],
    };
  }

  async run(request: RuntimeRequest, hooks: RuntimeHooks): Promise<RuntimeResult> {
    const apiKey = await resolveApiKey(this.opts, 'openai.apiKey', 'OPENAI_API_KEY');
    if (!apiKey)
      return {
        status: 'FAILED',
        output: '',
        turns: 0,
        failure: failure('AUTH', 'No OpenAI API key: set the openai.apiKey setting or OPENAI_API_KEY in the environment.'),
      };
    // maxRetries 0: retries are ours, so each one is reported (retry-policy.ts).
    const client = new OpenAI({ apiKey, baseURL: envBaseUrl(this.opts, 'OPENAI_BASE_URL'), organization: null, project: null, maxRetries: 0 });
    return runAgentLoop(request, hooks, new OpenAIConversation(client, request), {
      clock: this.opts.clock,
      retry: retryPolicyOf(this.opts),
      random: this.opts.random,
      classify: (err) => classifyOpenAIError(err),
    });
  }
}

function turnStop(reason: string | null, hasTools: boolean): TurnStop {
  if (hasTools || reason === 'tool_calls' || reason === 'function_call') return 'tool_use';
  if (reason === 'length') return 'max_tokens';
  return 'end';
}

/** The Chat Completions transcript of one task. */
class OpenAIConversation implements ProviderConversation {
  private readonly messages: ChatCompletionMessageParam[] = [];
  private readonly tools: ChatCompletionFunctionTool[] | undefined;

  constructor(
    private readonly client: OpenAI,
    private readonly request: RuntimeRequest,
  ) {
    if (request.systemPrompt) this.messages.push({ role: 'system', content: request.systemPrompt });
    this.messages.push({ role: 'user', content: request.prompt });
    this.tools = request.tools.length
      ? request.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.inputSchema } }))
      : undefined;
  }

  async call(io: { signal: AbortSignal; onText(text: string): void; onActivity(): void }): Promise<ModelTurn> {
    const stream = await this.client.chat.completions.create(
      {
        model: this.request.model,
        messages: this.messages,
        tools: this.tools,
        // max_completion_tokens: the gpt-5 family rejects the older max_tokens.
        max_completion_tokens: this.request.maxOutputTokens,
        stream: true,
        stream_options: { include_usage: true },
      },
      { signal: io.signal },
    );
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    const calls: { id: string; name: string; args: string }[] = [];
    for await (const chunk of stream) {
      io.onActivity();
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      if (!choice) continue;
      if (choice.delta.content) {
        text += choice.delta.content;
        io.onText(choice.delta.content);
      }
      for (const d of choice.delta.tool_calls ?? []) {
        const slot = (calls[d.index] ??= { id: '', name: '', args: '' });
        if (d.id) slot.id = d.id;
        if (d.function?.name) slot.name += d.function.name;
        if (d.function?.arguments) slot.args += d.function.arguments;
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    if (finish === null && !io.signal.aborted) throw new ClassifiedProviderError(failure('CONNECTION', 'The OpenAI stream ended without a finish_reason.'));
    const toolCalls: ToolCall[] = calls.filter(Boolean).map((c, i) => ({ id: c.id || `call_${i}`, name: c.name, input: parseArguments(c.args) }));
    const cached = usage?.prompt_tokens_details?.cached_tokens ?? 0;
    const raw: ChatCompletionMessageFunctionToolCall[] = toolCalls.map((c, i) => ({
      id: c.id,
      type: 'function',
      function: { name: c.name, arguments: calls.filter(Boolean)[i]!.args || '{}' },
    }));
    return {
      text,
      toolCalls,
      stop: turnStop(finish, toolCalls.length > 0),
      raw,
      usage: {
        model: this.request.model,
        // prompt_tokens includes the cached ones: report them apart so each token is priced once.
        inputTokens: Math.max(0, (usage?.prompt_tokens ?? 0) - cached),
        outputTokens: usage?.completion_tokens ?? 0,
        cacheReadTokens: cached,
        cacheWriteTokens: 0,
      },
    };
  }

  addAssistantTurn(turn: ModelTurn): void {
    const toolCalls = turn.raw as ChatCompletionMessageFunctionToolCall[];
    this.messages.push({ role: 'assistant', content: turn.text || null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) });
  }

  addToolResults(results: ToolResult[]): void {
    for (const r of results) this.messages.push({ role: 'tool', tool_call_id: r.call.id, content: r.isError ? `Error: ${r.content}` : r.content });
  }

  addContinuation(): void {
    this.messages.push({ role: 'user', content: 'Please continue from where you stopped.' });
  }

  snapshot(): unknown {
    return structuredClone(this.messages);
  }

  restore(snapshot: unknown): void {
    this.messages.splice(0, this.messages.length, ...(snapshot as ChatCompletionMessageParam[]));
  }
}

/** Parses a function call's JSON arguments; broken JSON becomes an empty input the tool explains. */
function parseArguments(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text || '{}');
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
