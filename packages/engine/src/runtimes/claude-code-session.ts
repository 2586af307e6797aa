import { spawn, type ChildProcess } from 'node:child_process';
import type { Clock } from '../clock.js';
import { CallWatchdog, TaskWatchdog } from './call-watchdog.js';
import { classifyClaudeCodeError, failure, failureFromAbortReason } from './error-classification.js';
import { failureDisposition, type ClassifiedFailure } from './failure-category.js';
import { claudeCodeToolOptions, type ToolControl } from './claude-code-tools.js';
import type { RuntimeHooks, RuntimeRequest, RuntimeResult } from './runtime.js';

/**
 * One `claude-code` task through the Claude Agent SDK's `query()`, which runs the Claude Code CLI
 * as a subprocess. The CLI owns the tool loop and its own retries (each reported to us as an
 * `api_retry` message, which becomes `hooks.onRetry`); with `includePartialMessages` we see the
 * raw stream events of every model call, so usage, caps and deltas work exactly as in the
 * direct runtimes. Built-in tools are off: the agent gets its tools through in-process MCP
 * servers (`claude-code-tools.ts`).
 */

/** The part of `@anthropic-ai/claude-agent-sdk` used here; the package is optional, so it is typed locally. */
export interface ClaudeAgentSdk {
  query(params: { prompt: string; options: Record<string, unknown> }): AsyncIterable<SdkMessage> & { close?(): void };
  tool(
    name: string,
    description: string,
    shape: Record<string, unknown>,
    handler: (args: Record<string, unknown>, extra: unknown) => Promise<unknown>,
  ): unknown;
  createSdkMcpServer(options: { name: string; version?: string; alwaysLoad?: boolean; tools: unknown[] }): unknown;
}

/** A message of the SDK's stream, loosely typed: only the fields read here are relied upon. */
export type SdkMessage = { type: string; subtype?: string; [key: string]: unknown };

/** What a session needs besides the request and hooks. */
export interface ClaudeCodeSessionOptions {
  clock: Clock;
  apiKey: string;
  baseUrl?: string;
  /** PATH and HOME for the CLI subprocess. */
  env: NodeJS.ProcessEnv;
  /** Retries the CLI may make per call (`CLAUDE_CODE_MAX_RETRIES`). */
  maxRetries: number;
}

type StreamEvent = {
  type: string;
  message?: { model?: string; usage?: Record<string, number | null> };
  delta?: { type?: string; text?: string };
  usage?: Record<string, number | null>;
};

/** Runs one task; never throws for provider or CLI failures. */
export async function runClaudeCodeSession(
  sdk: ClaudeAgentSdk,
  request: RuntimeRequest,
  hooks: RuntimeHooks,
  opts: ClaudeCodeSessionOptions,
): Promise<RuntimeResult> {
  const task = new TaskWatchdog(opts.clock, request.signal, request.deadlineAt);
  const abort = new AbortController();
  const stopWith = (reason: unknown) => abort.abort(reason);
  task.signal.addEventListener('abort', () => stopWith(task.signal.reason), { once: true });
  let idle: CallWatchdog | undefined;
  // `gate` opens when the current call's usage verdict is in: tools wait on it, so a cap reached
  // on a call stops the CLI before that call's tools run and a next call goes out.
  const state = {
    output: '',
    turn: 0,
    ended: false,
    usage: {} as Record<string, number | null>,
    model: request.model,
    gate: Promise.resolve(),
    open: () => {},
  };
  const end = (f: ClassifiedFailure): RuntimeResult => ({
    status: failureDisposition(f.category).taskStatus,
    output: state.output,
    turns: state.turn,
    failure: f,
  });

  let child: ChildProcess | undefined;
  const options = sessionOptions(sdk, request, hooks, opts, { onEnd: () => (state.ended = true), gate: () => state.gate, signal: abort.signal });
  // We spawn the CLI ourselves so a stop can SIGKILL it: the SDK's own abort and close() let the
  // CLI shut down gracefully (about 2 s), during which it still sends the next model request.
  options.spawnClaudeCodeProcess = (o: { command: string; args: string[]; cwd?: string; env: NodeJS.ProcessEnv }) =>
    (child = spawn(o.command, o.args, { cwd: o.cwd, env: o.env, stdio: ['pipe', 'pipe', 'ignore'] }));
  const query = sdk.query({ prompt: request.prompt, options });
  abort.signal.addEventListener(
    'abort',
    () => {
      child?.kill('SIGKILL');
      query.close?.();
    },
    { once: true },
  );
  try {
    for await (const msg of query) {
      if (!idle) {
        // The CLI takes about 1-2 s to start; the idle limit applies from its first message.
        idle = new CallWatchdog(opts.clock, task.signal, request.streamIdleTimeoutMs);
        idle.signal.addEventListener('abort', () => stopWith(idle!.signal.reason), { once: true });
      }
      idle.activity();
      if (abort.signal.aborted) break;
      if (state.ended) return stop(abort, { status: 'COMPLETED', output: state.output, turns: state.turn });
      if (msg.type === 'system' && msg.subtype === 'api_retry') {
        const f = classifyClaudeCodeError({
          code: String(msg.error),
          status: msg.error_status as number | null,
          message: `Claude Code API error ${String(msg.error_status ?? '')} (${String(msg.error)})`.replace('  ', ' '),
        });
        hooks.onRetry({ attempt: Number(msg.attempt) + 1, delayMs: Number(msg.retry_delay_ms), failure: f });
      } else if (msg.type === 'stream_event' && msg.parent_tool_use_id === null) {
        const event = msg.event as StreamEvent;
        if (event.type === 'message_start') {
          if (state.turn >= request.maxTurns) return stop(abort, end(failure('TURN_LIMIT', `The agent used all ${request.maxTurns} turns without finishing.`)));
          state.turn += 1;
          state.gate = new Promise((resolve) => (state.open = resolve));
          state.usage = { ...(event.message?.usage ?? {}) };
          state.model = event.message?.model || request.model;
          hooks.onTurnStart(state.turn);
          if (state.output && !state.output.endsWith('\n')) state.output += '\n';
        } else if (event.type === 'content_block_delta' && event.delta?.type === 'text_delta' && event.delta.text) {
          state.output += event.delta.text;
          hooks.onOutputDelta(event.delta.text);
        } else if (event.type === 'message_delta') {
          for (const [k, v] of Object.entries(event.usage ?? {})) if (typeof v === 'number') state.usage[k] = v;
        } else if (event.type === 'message_stop') {
          const verdict = await hooks.onUsage({
            model: state.model,
            inputTokens: state.usage.input_tokens ?? 0,
            outputTokens: state.usage.output_tokens ?? 0,
            cacheReadTokens: state.usage.cache_read_input_tokens ?? 0,
            cacheWriteTokens: state.usage.cache_creation_input_tokens ?? 0,
          });
          if (verdict.stop) return stop(abort, end(verdict.failure));
          state.open();
        }
      } else if (msg.type === 'result') {
        state.output = state.output.trimEnd();
        return resultOf(msg, state, end);
      }
    }
    if (abort.signal.aborted) return end(failureFromAbortReason(abort.signal.reason));
    return end(failure('UNKNOWN', 'The Claude Code CLI ended without a result.'));
  } catch (err) {
    if (abort.signal.aborted) return end(failureFromAbortReason(abort.signal.reason));
    return end(failure('UNKNOWN', `Claude Code failed: ${err instanceof Error ? err.message : String(err)}`));
  } finally {
    idle?.dispose();
    task.dispose();
  }
}

/** Ends the CLI subprocess and returns `result`. */
function stop(abort: AbortController, result: RuntimeResult): RuntimeResult {
  if (!abort.signal.aborted) abort.abort(result.failure ?? 'completed');
  return result;
}

function resultOf(msg: SdkMessage, state: { output: string; turn: number }, end: (f: ClassifiedFailure) => RuntimeResult): RuntimeResult {
  const text = typeof msg.result === 'string' ? msg.result : '';
  if (msg.subtype === 'success' && !msg.is_error) return { status: 'COMPLETED', output: state.output || text, turns: state.turn };
  if (msg.subtype === 'error_max_turns')
    return end(failure('TURN_LIMIT', `The agent used all its turns without finishing (Claude Code: ${String(msg.num_turns)} turns).`));
  if (msg.subtype === 'error_max_budget_usd') return end(failure('BUDGET_EXCEEDED', 'Claude Code stopped at its budget.'));
  if (msg.api_error_status || msg.api_error_type)
    return end(
      classifyClaudeCodeError({
        type: msg.api_error_type as string | undefined,
        status: msg.api_error_status as number | undefined,
        message: text || 'Claude Code API error.',
      }),
    );
  const errors = Array.isArray(msg.errors) ? (msg.errors as unknown[]).map(String).join('; ') : text;
  return end(failure('UNKNOWN', errors || `Claude Code ended with ${String(msg.subtype)}.`));
}

/** The `query()` options: no built-in tools, the task's tools over MCP, no user settings, no saved sessions. */
function sessionOptions(
  sdk: ClaudeAgentSdk,
  request: RuntimeRequest,
  hooks: RuntimeHooks,
  opts: ClaudeCodeSessionOptions,
  tools: ToolControl,
): Record<string, unknown> {
  const options: Record<string, unknown> = {
    model: request.model,
    // The CLI's own turn limit is a backstop; ours (counted per model call) decides first.
    maxTurns: request.maxTurns + 1,
    tools: [],
    // Only our servers: none from the user's or a project's MCP configuration.
    strictMcpConfig: true,
    // Calls outside `allowedTools` go to our `canUseTool`, never to the CLI's auto-mode classifier.
    permissionMode: 'default',
    settingSources: [],
    persistSession: false,
    includePartialMessages: true,
    env: {
      PATH: opts.env.PATH,
      HOME: opts.env.HOME,
      ANTHROPIC_API_KEY: opts.apiKey,
      ...(opts.baseUrl ? { ANTHROPIC_BASE_URL: opts.baseUrl } : {}),
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      CLAUDE_CODE_MAX_RETRIES: String(opts.maxRetries),
      CLAUDE_CODE_MAX_OUTPUT_TOKENS: String(request.maxOutputTokens),
      CLAUDE_AGENT_SDK_CLIENT_APP: 'stagent',
    },
  };
  if (request.systemPrompt) options.systemPrompt = request.systemPrompt;
  const toolOptions = claudeCodeToolOptions(sdk, request.tools, hooks, tools);
  if (toolOptions) Object.assign(options, toolOptions);
  return options;
}
