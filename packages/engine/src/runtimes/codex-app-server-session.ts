import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../clock.js';
import { CallWatchdog, TaskWatchdog } from './call-watchdog.js';
import { codexApprovalAnswer, toolReports, type CodexItem } from './codex-approvals.js';
import { classifyCodexError, type CodexTurnError } from './codex-errors.js';
import { startCodexMcpBridge, type CodexMcpBridge } from './codex-mcp-bridge.js';
import { startCodexProviderProxy, type CodexProviderProxy, type ResponsesUsage } from './codex-provider-proxy.js';
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
 * approvals routed to us), `turn/start` with the prompt. Codex owns the loop; its provider is our
 * loopback proxy (`codex-provider-proxy.ts`), which reports each model call as the provider answers
 * it: the turn, the text deltas, the usage (verdict awaited before Codex sees the end of the call
 * or runs its tools) and HTTP retries. Codex's own retries are off; `turn/completed` ends the task.
 */

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
  /** The provider's Responses API base URL, `…/v1` (the proxy forwards there). */
  baseUrl: string;
  /** PATH for the CLI; nothing else of the caller's environment is passed on. */
  env: NodeJS.ProcessEnv;
  retry: RetryPolicy;
  random?: () => number;
}

/** A TOML basic string (JSON's escapes are valid TOML). */
const toml = (s: string) => JSON.stringify(s);

/** The `codex app-server` arguments: our provider and model, nothing from the user's files. */
export function codexArgs(request: RuntimeRequest, opts: CodexSessionOptions, baseUrl: string, bridge: CodexMcpBridge | undefined): string[] {
  const provider = `{ name = "Stagent", base_url = ${toml(baseUrl)}, env_key = "${CODEX_API_KEY_ENV}", wire_api = "responses", request_max_retries = 0, stream_max_retries = 0 }`;
  return [
    ...opts.commandArgs,
    'app-server',
    '-c',
    `model_provider="${PROVIDER_ID}"`,
    '-c',
    `model_providers.${PROVIDER_ID}=${provider}`,
    '-c',
    `model=${toml(request.model)}`,
    // OpenAI's hosted web search is billed per search, outside the token usage our caps count.
    '-c',
    'web_search="disabled"',
    ...(bridge?.configArgs ?? []),
  ];
}

/** Runs one task; never throws for provider or CLI failures. */
export async function runCodexSession(request: RuntimeRequest, hooks: RuntimeHooks, opts: CodexSessionOptions): Promise<RuntimeResult> {
  // A folder the step names is the user's: it must exist, and it is kept. Otherwise a fresh one, removed afterwards.
  const named = request.workingDirectory;
  if (named && !(await isDirectory(named)))
    return {
      status: 'FAILED',
      output: '',
      turns: 0,
      failure: failure(
        'INVALID_REQUEST',
        `The step's working directory ${named} is not a folder on this machine; create it or change the step's workingDirectory.`,
      ),
    };
  const home = await mkdtemp(join(tmpdir(), 'stagent-codex-home-'));
  const cwd = named ?? (await mkdtemp(join(tmpdir(), 'stagent-codex-task-')));
  const session = new CodexSession(request, hooks, opts);
  try {
    return await session.run(home, cwd);
  } catch (err) {
    // Our own loopback servers could not start: nothing reached the provider.
    return { status: 'FAILED', output: '', turns: 0, failure: failure('UNKNOWN', `The Codex session could not start: ${message(err)}`) };
  } finally {
    await session.close();
    await Promise.all([rm(home, { recursive: true, force: true }), named ? undefined : rm(cwd, { recursive: true, force: true })]);
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

class CodexSession {
  private readonly task: TaskWatchdog;
  private readonly stopped = new AbortController();
  private idle: CallWatchdog | undefined;
  private rpc: CodexRpc | undefined;
  private bridge: CodexMcpBridge | undefined;
  private proxy: CodexProviderProxy | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private settle: (r: RuntimeResult) => void = () => {};
  private readonly outcome = new Promise<RuntimeResult>((resolve) => (this.settle = resolve));
  /** Notifications are handled one at a time, in order (`onUsage` is awaited between them). */
  private queue = Promise.resolve();
  private output = '';
  private turn = 0;
  /** A model call went out and has no usage yet. */
  private pendingCall = false;
  /** Where the pending call's text begins in `output`. */
  private callStart = 0;
  private usages = 0;
  /** A failure the proxy passed on after its retries: final. */
  private finalFailure: ClassifiedFailure | undefined;
  private attempt = 1;
  private ended = false;
  private busy = 0;
  private model: string;
  private threadId = '';
  private cwd = '';
  private readonly items = new Map<string, CodexItem>();

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
    this.proxy = await startCodexProviderProxy(
      {
        upstream: this.opts.baseUrl,
        clock: this.opts.clock,
        retry: this.opts.retry,
        random: this.opts.random,
        signal: this.stopped.signal,
        maxOutputTokens: this.request.maxOutputTokens,
      },
      {
        onCall: () => this.onCall(),
        onUsage: (usage) => this.onUsage(usage),
        onRetry: (info) => this.hooks.onRetry(info),
        onFailure: (f) => (this.finalFailure = f),
        activity: () => this.idle?.activity(),
        onDelta: (text) => {
          this.output += text;
          this.hooks.onOutputDelta(text);
        },
      },
    );
    const env = { PATH: this.opts.env.PATH, HOME: home, CODEX_HOME: home, [CODEX_API_KEY_ENV]: this.opts.apiKey, ...this.bridge?.env };
    this.rpc = new CodexRpc(
      this.opts.command,
      codexArgs(this.request, this.opts, this.proxy.baseUrl, this.bridge),
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
    await Promise.all([this.bridge?.close(), this.proxy?.close()]);
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
      case 'item/started':
      case 'item/completed':
        return this.onItem(method === 'item/started', params.item as CodexItem);
      case 'model/rerouted':
        this.model = String(params.toModel ?? this.model);
        return;
      case 'turn/completed':
        // Only our thread's turn ends the task (a sub-agent Codex spawns runs on a thread of its own).
        if (params.threadId !== this.threadId) return;
        return this.onTurnCompleted(params.turn as { status: string; error: CodexTurnError | null });
    }
  }

  private onItem(started: boolean, item: CodexItem): void {
    if (item.type === 'userMessage') return;
    this.items.set(item.id, item);
    toolReports(started, item, this.hooks, (delta) => (this.busy += delta));
  }

  /** A model call goes out (through the proxy): count it against `maxTurns`; false refuses it. */
  private onCall(): boolean {
    if (this.stopped.signal.aborted) return false;
    // A tool that ends the task ran after the last call: the task is done, the next call is not made.
    if (this.ended) return (this.finish({ status: 'COMPLETED', output: this.output.trimEnd(), turns: this.turn }), false);
    if (this.turn >= this.request.maxTurns) {
      this.finish(this.end(failure('TURN_LIMIT', `The agent used all ${this.request.maxTurns} turns without finishing.`)));
      return false;
    }
    this.turn += 1;
    this.pendingCall = true;
    this.callStart = this.output.length;
    if (this.output && !this.output.endsWith('\n')) this.output += '\n';
    this.hooks.onTurnStart(this.turn);
    return true;
  }

  /** A call's usage, before Codex sees the end of the call; false stops the task. */
  private async onUsage(usage: ResponsesUsage): Promise<boolean> {
    this.pendingCall = false;
    this.usages += 1;
    this.attempt = 1;
    const cached = usage.input_tokens_details?.cached_tokens ?? 0;
    const verdict = await this.hooks.onUsage({
      model: this.model,
      inputTokens: Math.max(0, (usage.input_tokens ?? 0) - cached),
      outputTokens: usage.output_tokens ?? 0,
      cacheReadTokens: cached,
      cacheWriteTokens: 0,
    });
    if (!verdict.stop) return !this.stopped.signal.aborted;
    this.finish(this.end(verdict.failure));
    return false;
  }

  private async onTurnCompleted(turn: { status: string; error: CodexTurnError | null }): Promise<void> {
    if (turn.status === 'completed') return this.finish({ status: 'COMPLETED', output: this.output.trimEnd(), turns: this.turn });
    if (turn.status === 'interrupted') return this.finish(this.end(failure('CANCELLED', 'The Codex turn was interrupted.')));
    if (this.finalFailure) return this.finish(this.end(this.finalFailure));
    // A failure the proxy could not retry (the stream broke after bytes had gone to Codex).
    const f = classifyCodexError(turn.error ?? { message: `The Codex turn ended ${turn.status}.` });
    const delayMs = retryDelay(this.opts.retry, this.attempt, f, this.opts.random);
    const deadline = this.request.deadlineAt;
    if (delayMs === undefined || (deadline !== undefined && delayMs >= deadline - Date.now())) return this.finish(this.end(f));
    // The failed call never reached `onUsage`: its retry is the same turn, not a new one.
    // Its streamed text has gone out as deltas; the output keeps the successful attempt's only.
    if (this.pendingCall) ((this.turn -= 1), (this.pendingCall = false), (this.output = this.output.slice(0, this.callStart)));
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

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
