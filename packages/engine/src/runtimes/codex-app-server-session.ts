import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../clock.js';
import { CallWatchdog, TaskWatchdog } from './call-watchdog.js';
import { codexApprovalAnswer, toolReports, type CodexItem } from './codex-approvals.js';
import { classifyCodexError, type CodexTurnError } from './codex-errors.js';
import { startCodexMcpBridge, type CodexMcpBridge } from './codex-mcp-bridge.js';
import { CodexRpc } from './codex-rpc.js';
import { failure, failureFromAbortReason } from './error-classification.js';
import { failureDisposition, type ClassifiedFailure } from './failure-category.js';
import { retryDelay, type RetryPolicy } from './retry-policy.js';
import type { RuntimeHooks, RuntimeRequest, RuntimeResult } from './runtime.js';

/**
 * One `openai-codex-app-server` task: `codex app-server` started for this task alone, in a
 * temporary CODEX_HOME (so `~/.codex` is never read or written) and a fresh temporary working
 * folder, with the provider, its base URL and the environment variable holding the key given as
 * `-c` overrides. Then JSON-RPC: `initialize`, `thread/start` (model, folder, read-only sandbox,
 * approvals routed to us), `turn/start` with the prompt. Codex owns the loop; its notifications
 * become our hooks: `item/agentMessage/delta` → deltas, `thread/tokenUsage/updated` (`last`: one
 * model call) → `onUsage`, `turn/completed` → the result. Codex's own retries are off
 * (`request_max_retries = 0`, `stream_max_retries = 0`): a retryable failure ends its turn and we
 * retry with our policy, reported through `onRetry`.
 */

/** Item types the model streams within a call. */
const MODEL_ITEMS = new Set(['agentMessage', 'reasoning', 'plan', 'webSearch']);

/** The provider id our overrides define in Codex's configuration. */
const PROVIDER_ID = 'stagent';
/** The environment variable Codex reads the key from (`env_key`). */
export const CODEX_API_KEY_ENV = 'STAGENT_CODEX_API_KEY';

/** What a session needs besides the request and hooks. */
export interface CodexSessionOptions {
  clock: Clock;
  /** The command that starts the CLI and the arguments before `app-server` (e.g. `node codex.js`). */
  command: string;
  commandArgs: string[];
  apiKey: string;
  /** The Responses API base URL, `…/v1`. */
  baseUrl: string;
  /** PATH for the CLI; nothing else of the caller's environment is passed on. */
  env: NodeJS.ProcessEnv;
  retry: RetryPolicy;
  random?: () => number;
}

/** A TOML basic string (JSON's escapes are valid TOML). */
const toml = (s: string) => JSON.stringify(s);

/** The `codex app-server` arguments: our provider and model, nothing from the user's files. */
export function codexArgs(request: RuntimeRequest, opts: CodexSessionOptions, bridge: CodexMcpBridge | undefined): string[] {
  const provider = `{ name = "Stagent", base_url = ${toml(opts.baseUrl)}, env_key = "${CODEX_API_KEY_ENV}", wire_api = "responses", request_max_retries = 0, stream_max_retries = 0 }`;
  return [
    ...opts.commandArgs,
    'app-server',
    '-c',
    `model_provider="${PROVIDER_ID}"`,
    '-c',
    `model_providers.${PROVIDER_ID}=${provider}`,
    '-c',
    `model=${toml(request.model)}`,
    ...(bridge?.configArgs ?? []),
  ];
}

/** Runs one task; never throws for provider or CLI failures. */
export async function runCodexSession(request: RuntimeRequest, hooks: RuntimeHooks, opts: CodexSessionOptions): Promise<RuntimeResult> {
  const home = await mkdtemp(join(tmpdir(), 'stagent-codex-home-'));
  const cwd = await mkdtemp(join(tmpdir(), 'stagent-codex-task-'));
  const session = new CodexSession(request, hooks, opts);
  try {
    return await session.run(home, cwd);
  } finally {
    await session.close();
    await Promise.all([rm(home, { recursive: true, force: true }), rm(cwd, { recursive: true, force: true })]);
  }
}

class CodexSession {
  private readonly task: TaskWatchdog;
  private readonly stopped = new AbortController();
  private idle: CallWatchdog | undefined;
  private rpc: CodexRpc | undefined;
  private bridge: CodexMcpBridge | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private settle: (r: RuntimeResult) => void = () => {};
  private readonly outcome = new Promise<RuntimeResult>((resolve) => (this.settle = resolve));
  /** Notifications are handled one at a time, in order (`onUsage` is awaited between them). */
  private queue = Promise.resolve();
  private output = '';
  private turn = 0;
  private callOpen = false;
  private usageTotal = 0;
  private usages = 0;
  private attempt = 1;
  private ended = false;
  private busy = 0;
  private model: string;
  private threadId = '';
  private cwd = '';
  private readonly items = new Map<string, CodexItem>();
  private readonly deltaItems = new Set<string>();

  constructor(
    private readonly request: RuntimeRequest,
    private readonly hooks: RuntimeHooks,
    private readonly opts: CodexSessionOptions,
  ) {
    this.model = request.model;
    this.task = new TaskWatchdog(opts.clock, request.signal, request.deadlineAt);
    this.task.signal.addEventListener('abort', () => this.finish(this.end(failureFromAbortReason(this.task.signal.reason))), { once: true });
  }

  async run(home: string, cwd: string): Promise<RuntimeResult> {
    if (this.task.signal.aborted) return this.end(failureFromAbortReason(this.task.signal.reason));
    this.bridge = await startCodexMcpBridge(this.request.tools, this.hooks, {
      callId: (server, tool) => this.mcpItemId(server, tool),
      onEnd: () => (this.ended = true),
      signal: this.stopped.signal,
      busy: (delta) => (this.busy += delta),
    });
    const env = { PATH: this.opts.env.PATH, HOME: home, CODEX_HOME: home, [CODEX_API_KEY_ENV]: this.opts.apiKey, ...this.bridge?.env };
    this.rpc = new CodexRpc(
      this.opts.command,
      codexArgs(this.request, this.opts, this.bridge),
      { cwd, env },
      {
        onNotification: (method, params) => this.enqueue(() => this.onNotification(method, params)),
        onServerRequest: (method, params) => codexApprovalAnswer(method, params, { tools: this.request.tools, hooks: this.hooks, items: this.items }),
        onExit: ({ code, signal, error, stderr }) => {
          const why = error ?? (signal ? `signal ${signal}` : `exit code ${code}`);
          this.finish(
            this.end(failure('UNKNOWN', `codex app-server ended (${why}) before the task finished.${stderr ? ` stderr: ${stderr.trim().slice(-800)}` : ''}`)),
          );
        },
      },
    );
    this.cwd = cwd;
    void this.start().catch((err: unknown) => this.finish(this.end(failure('UNKNOWN', `codex app-server did not start the task: ${message(err)}`))));
    return this.outcome;
  }

  async close(): Promise<void> {
    this.stopped.abort();
    this.rpc?.kill();
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.idle?.dispose();
    this.task.dispose();
    await this.bridge?.close();
  }

  private async start(): Promise<void> {
    const rpc = this.rpc!;
    await rpc.request('initialize', {
      clientInfo: { name: 'stagent', title: 'Stagent', version: '0.1.0' },
      capabilities: { experimentalApi: false, requestAttestation: false },
    });
    rpc.notify('initialized');
    // The CLI is up: from here a silence longer than the idle limit is a stalled stream. Our own
    // tool runs and Codex's sandboxed commands are not silence (`busy`), hence the heartbeat.
    this.idle = new CallWatchdog(this.opts.clock, this.task.signal, this.request.streamIdleTimeoutMs);
    this.idle.signal.addEventListener('abort', () => this.finish(this.end(failureFromAbortReason(this.idle!.signal.reason))), { once: true });
    this.heartbeat = setInterval(() => this.busy > 0 && this.idle?.activity(), 250);
    this.heartbeat.unref();
    await this.startThread();
  }

  private async startThread(): Promise<void> {
    const thread = await this.rpc!.request<{ thread: { id: string } }>('thread/start', {
      model: this.request.model,
      modelProvider: PROVIDER_ID,
      cwd: this.cwd,
      approvalPolicy: 'on-request',
      sandbox: 'read-only',
      developerInstructions: this.request.systemPrompt || null,
      ephemeral: true,
    });
    this.threadId = thread.thread.id;
    await this.startTurn(this.request.prompt);
  }

  private async startTurn(text: string): Promise<void> {
    await this.rpc!.request('turn/start', { threadId: this.threadId, input: [{ type: 'text', text, text_elements: [] }] });
  }

  private enqueue(work: () => Promise<void> | void): void {
    this.queue = this.queue.then(work).catch((err: unknown) => this.finish(this.end(failure('UNKNOWN', `Codex session failed: ${message(err)}`))));
  }

  private async onNotification(method: string, params: Record<string, unknown>): Promise<void> {
    if (this.stopped.signal.aborted) return;
    this.idle?.activity();
    switch (method) {
      case 'item/agentMessage/delta': {
        const delta = String(params.delta ?? '');
        this.openCall();
        this.deltaItems.add(String(params.itemId));
        this.output += delta;
        if (delta) this.hooks.onOutputDelta(delta);
        return;
      }
      case 'item/started':
      case 'item/completed':
        return this.onItem(method === 'item/started', params.item as CodexItem);
      case 'thread/tokenUsage/updated':
        return this.onUsage(params.tokenUsage as TokenUsage);
      case 'model/rerouted':
        this.model = String(params.toModel ?? this.model);
        return;
      case 'turn/completed':
        return this.onTurnCompleted(params.turn as { status: string; error: CodexTurnError | null });
    }
  }

  private onItem(started: boolean, item: CodexItem): void {
    if (item.type === 'userMessage') return;
    this.items.set(item.id, item);
    // The model's own items open the next call; tool items (MCP calls, commands, file changes)
    // belong to the call that asked for them, whose usage Codex reports after they ran.
    if (started && MODEL_ITEMS.has(item.type)) this.openCall();
    if (started && item.type === 'agentMessage' && this.output && !this.output.endsWith('\n')) this.output += '\n';
    if (!started && item.type === 'agentMessage' && !this.deltaItems.has(item.id) && item.text) {
      this.output += item.text;
      this.hooks.onOutputDelta(item.text);
    }
    toolReports(started, item, this.hooks, (delta) => (this.busy += delta));
  }

  /** A model call begins: count it against `maxTurns` and report it. */
  private openCall(): void {
    if (this.callOpen || this.stopped.signal.aborted) return;
    if (this.turn >= this.request.maxTurns) {
      this.finish(this.end(failure('TURN_LIMIT', `The agent used all ${this.request.maxTurns} turns without finishing.`)));
      return;
    }
    this.turn += 1;
    this.callOpen = true;
    this.hooks.onTurnStart(this.turn);
  }

  private async onUsage(usage: TokenUsage): Promise<void> {
    // `total` grows once per model call; the same figures sent again are no new call.
    if (!usage?.last || usage.total.totalTokens <= this.usageTotal) return;
    this.usageTotal = usage.total.totalTokens;
    this.openCall();
    if (this.stopped.signal.aborted) return;
    const last = usage.last;
    this.usages += 1;
    this.attempt = 1;
    const verdict = await this.hooks.onUsage({
      model: this.model,
      inputTokens: Math.max(0, last.inputTokens - last.cachedInputTokens),
      outputTokens: last.outputTokens,
      cacheReadTokens: last.cachedInputTokens,
      cacheWriteTokens: last.cacheWriteInputTokens ?? 0,
    });
    this.callOpen = false;
    if (verdict.stop) return this.finish(this.end(verdict.failure));
    if (this.ended) this.finish({ status: 'COMPLETED', output: this.output.trimEnd(), turns: this.turn });
  }

  private async onTurnCompleted(turn: { status: string; error: CodexTurnError | null }): Promise<void> {
    if (turn.status === 'completed') return this.finish({ status: 'COMPLETED', output: this.output.trimEnd(), turns: this.turn });
    if (turn.status === 'interrupted') return this.finish(this.end(failure('CANCELLED', 'The Codex turn was interrupted.')));
    const f = classifyCodexError(turn.error ?? { message: `The Codex turn ended ${turn.status}.` });
    const delayMs = retryDelay(this.opts.retry, this.attempt, f, this.opts.random);
    const deadline = this.request.deadlineAt;
    if (delayMs === undefined || (deadline !== undefined && delayMs >= deadline - Date.now())) return this.finish(this.end(f));
    // The failed call never reached `onUsage`: its retry is the same turn, not a new one.
    if (this.callOpen) ((this.turn -= 1), (this.callOpen = false));
    this.attempt += 1;
    this.hooks.onRetry({ attempt: this.attempt, delayMs, failure: f });
    try {
      await this.opts.clock.sleep(delayMs, this.task.signal);
    } catch {
      return; // the task signal's own handler ends the session
    }
    // Nothing done yet: the same prompt again on a fresh thread. Later: the thread keeps every
    // finished call (tool results included), so a new turn asks the model to go on from there.
    if (this.usages === 0) return this.startThread();
    await this.startTurn('Continue the task from where you stopped: your last model request failed and was retried.');
  }

  /** The id of the `mcpToolCall` item Codex started for this call (the call id it shows), or a fresh one. */
  private mcpItemId(server: string, tool: string): string {
    const item = [...this.items.values()].reverse().find((i) => i.type === 'mcpToolCall' && i.server === server && i.tool === tool);
    return item?.id ?? `codex-mcp-${server}-${tool}-${Date.now()}`;
  }

  private end(f: ClassifiedFailure): RuntimeResult {
    return { status: failureDisposition(f.category).taskStatus, output: this.output, turns: this.turn, failure: f };
  }

  /** Settles the task once and stops the CLI at once. */
  private finish(result: RuntimeResult): void {
    if (this.stopped.signal.aborted) return;
    this.stopped.abort();
    this.rpc?.kill();
    this.settle(result);
  }
}

/** `ThreadTokenUsage` of the app-server protocol (v2). */
interface TokenUsage {
  total: { totalTokens: number };
  last: { inputTokens: number; cachedInputTokens: number; cacheWriteInputTokens?: number; outputTokens: number };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
