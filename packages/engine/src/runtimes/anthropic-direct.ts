import Anthropic from '@anthropic-ai/sdk';
import type { ContentBlockParam, MessageParam, TextBlockParam, Tool, ToolResultBlockParam, Usage } from '@anthropic-ai/sdk/resources/messages/messages';
import { runAgentLoop, type ModelTurn, type ProviderConversation, type ToolCall, type ToolResult, type TurnStop } from './agent-loop.js';
import { ClassifiedProviderError, classifyAnthropicError, failure } from './error-classification.js';
import { modelsFor } from './model-catalog.js';
import { envBaseUrl, resolveApiKey, retryPolicyOf, type ProviderRuntimeOptions } from './provider-config.js';
import type { RuntimeAdapter, RuntimeDescriptor, RuntimeHooks, RuntimeRequest, RuntimeResult } from './runtime.js';

/**
 * `anthropic-direct`: the Anthropic Messages API through `@anthropic-ai/sdk`, streamed, with a
 * tool-use loop that sends the model's own turns back verbatim, prompt caching (breakpoints on
 * the system prompt, the tool list and the task prompt, which carries the step's documents),
 * and usage per call including cache reads and writes. Base URL from `ANTHROPIC_BASE_URL`;
 * key from `anthropic.apiKey`, else `ANTHROPIC_API_KEY`.
 */
export class AnthropicDirectRuntime implements RuntimeAdapter {
  readonly id = 'anthropic-direct' as const;
  readonly resumesFromJournal = true;

  constructor(private readonly opts: ProviderRuntimeOptions) {}

  async describe(): Promise<RuntimeDescriptor> {
    const key = await resolveApiKey(this.opts, 'anthropic.apiKey', 'ANTHROPIC_API_KEY');
    return {
      id: this.id,
      label: 'Anthropic API',
      provider: 'anthropic',
      description: 'Claude models through the Anthropic Messages API, called in-process: streaming, tool use over the step documents, prompt caching.',
      available: key !== undefined,
      unavailableReason: key === undefined ? 'No Anthropic API key: set the anthropic.apiKey setting or ANTHROPIC_API_KEY in the environment.' : null,
      models: modelsFor(this.id),
      capabilities: ['streaming', 'tools', 'documents', 'prompt-caching', 'cancel'],
    };
  }

  async run(request: RuntimeRequest, hooks: RuntimeHooks): Promise<RuntimeResult> {
    const apiKey = await resolveApiKey(this.opts, 'anthropic.apiKey', 'ANTHROPIC_API_KEY');
    if (!apiKey)
      return {
        status: 'FAILED',
        output: '',
        turns: 0,
        failure: failure('AUTH', 'No Anthropic API key: set the anthropic.apiKey setting or ANTHROPIC_API_KEY in the environment.'),
      };
    // maxRetries 0: retries are ours, so each one is reported (retry-policy.ts).
    const client = new Anthropic({ apiKey, authToken: null, baseURL: envBaseUrl(this.opts, 'ANTHROPIC_BASE_URL'), maxRetries: 0 });
    return runAgentLoop(request, hooks, new AnthropicConversation(client, request), {
      clock: this.opts.clock,
      retry: retryPolicyOf(this.opts),
      random: this.opts.random,
      classify: (err) => classifyAnthropicError(err),
    });
  }
}

const EPHEMERAL = { type: 'ephemeral' } as const;

/** Maps Anthropic's stop reasons onto the loop's. */
function turnStop(reason: string | null): TurnStop {
  if (reason === 'tool_use') return 'tool_use';
  if (reason === 'max_tokens') return 'max_tokens';
  if (reason === 'model_context_window_exceeded') return 'context_window';
  return 'end';
}

/** The Messages-API history of one task. */
class AnthropicConversation implements ProviderConversation {
  private readonly messages: MessageParam[];
  private readonly system: TextBlockParam[] | undefined;
  private readonly tools: Tool[] | undefined;

  constructor(
    private readonly client: Anthropic,
    private readonly request: RuntimeRequest,
  ) {
    this.messages = [{ role: 'user', content: [{ type: 'text', text: request.prompt, cache_control: EPHEMERAL }] }];
    this.system = request.systemPrompt ? [{ type: 'text', text: request.systemPrompt, cache_control: EPHEMERAL }] : undefined;
    this.tools = request.tools.length
      ? request.tools.map((t, i, all) => ({
          name: t.name,
          description: t.description,
          input_schema: t.inputSchema as Tool['input_schema'],
          ...(i === all.length - 1 ? { cache_control: EPHEMERAL } : {}),
        }))
      : undefined;
  }

  async call(io: { signal: AbortSignal; onText(text: string): void; onActivity(): void }): Promise<ModelTurn> {
    const stream = await this.client.messages.create(
      { model: this.request.model, max_tokens: this.request.maxOutputTokens, system: this.system, tools: this.tools, messages: this.messages, stream: true },
      { signal: io.signal },
    );
    const blocks: ContentBlockParam[] = [];
    const json: string[] = [];
    let usage: Partial<Usage> = {};
    let stop: string | null = null;
    let finished = false;
    for await (const event of stream) {
      io.onActivity();
      switch (event.type) {
        case 'message_start':
          usage = { ...event.message.usage };
          break;
        case 'content_block_start':
          blocks[event.index] = startBlock(event.content_block as unknown as { type: string } & Record<string, unknown>);
          json[event.index] = '';
          break;
        case 'content_block_delta': {
          const block = blocks[event.index];
          const d = event.delta;
          if (d.type === 'text_delta' && block?.type === 'text') {
            block.text += d.text;
            io.onText(d.text);
          } else if (d.type === 'input_json_delta') json[event.index] += d.partial_json;
          else if (d.type === 'thinking_delta' && block?.type === 'thinking') block.thinking += d.thinking;
          else if (d.type === 'signature_delta' && block?.type === 'thinking') block.signature += d.signature;
          break;
        }
        case 'content_block_stop': {
          const block = blocks[event.index];
          if (block?.type === 'tool_use' && json[event.index]) block.input = parseToolInput(json[event.index]!);
          break;
        }
        case 'message_delta':
          stop = event.delta.stop_reason;
          for (const [k, v] of Object.entries(event.usage)) if (v !== null && v !== undefined) (usage as Record<string, unknown>)[k] = v;
          break;
        case 'message_stop':
          finished = true;
          break;
      }
    }
    if (!finished && !io.signal.aborted) throw new ClassifiedProviderError(failure('CONNECTION', 'The Anthropic stream ended before message_stop.'));
    const content = blocks.filter(Boolean);
    return {
      text: content.map((b) => (b.type === 'text' ? b.text : '')).join(''),
      toolCalls: content.flatMap((b): ToolCall[] =>
        b.type === 'tool_use' ? [{ id: b.id, name: b.name, input: (b.input ?? {}) as Record<string, unknown> }] : [],
      ),
      stop: turnStop(stop),
      raw: content,
      usage: {
        model: this.request.model,
        inputTokens: usage.input_tokens ?? 0,
        outputTokens: usage.output_tokens ?? 0,
        cacheReadTokens: usage.cache_read_input_tokens ?? 0,
        cacheWriteTokens: usage.cache_creation_input_tokens ?? 0,
      },
    };
  }

  addAssistantTurn(turn: ModelTurn): void {
    this.messages.push({ role: 'assistant', content: turn.raw as ContentBlockParam[] });
  }

  addToolResults(results: ToolResult[]): void {
    const content: ToolResultBlockParam[] = results.map((r) => ({ type: 'tool_result', tool_use_id: r.call.id, content: r.content, is_error: r.isError }));
    this.messages.push({ role: 'user', content });
  }

  addContinuation(): void {
    this.messages.push({ role: 'user', content: 'Please continue from where you stopped.' });
  }

  snapshot(): unknown {
    return structuredClone(this.messages);
  }

  restore(snapshot: unknown): void {
    this.messages.splice(0, this.messages.length, ...(snapshot as MessageParam[]));
  }
}

/** A streamed block's starting state, in request-param shape so it can be sent back verbatim. */
function startBlock(block: { type: string } & Record<string, unknown>): ContentBlockParam {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: String(block.text ?? '') };
    case 'tool_use':
      return { type: 'tool_use', id: String(block.id), name: String(block.name), input: (block.input as Record<string, unknown>) ?? {} };
    case 'thinking':
      return { type: 'thinking', thinking: String(block.thinking ?? ''), signature: String(block.signature ?? '') };
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: String(block.data ?? '') };
    default:
      // Server-side tool blocks and future types go back as received.
      return block as unknown as ContentBlockParam;
  }
}

/** Parses the streamed JSON of a tool input; a model that sends broken JSON gets an empty input and the tool explains. */
function parseToolInput(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
