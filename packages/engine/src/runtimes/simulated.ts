import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { ClassifiedFailure, FailureCategory } from './failure-category.js';
import { simulatedAssistant } from '../assistant/simulated-assistant.js';
import type { RuntimeAdapter, RuntimeDescriptor, RuntimeHooks, RuntimeRequest, RuntimeResult, ToolDecision, ToolOutcomeStatus } from './runtime.js';
import { callsAwaitingApproval, runToolTurn, type ToolFailureStreak } from './tool-turn.js';

/** One scripted model turn. Token counts default to what the prompt and text imply. */
export interface SimulatedTurn {
  text?: string;
  toolCalls?: { name: string; input: Record<string, unknown> }[];
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
}

/** One tool call of a task and what came back, as a dynamic script reads it. */
export interface SimulatedToolResult {
  name: string;
  input: Record<string, unknown>;
  /** What the model would be given back (`Tool <name> failed: ...` when it failed, the refusal when denied). */
  content: string;
  isError: boolean;
  status: ToolOutcomeStatus;
}

/** What {@link SimulatedScript.respond} decides the next turn from. */
export interface SimulatedTurnContext {
  request: RuntimeRequest;
  /** The turn about to be played, 1-based (turns before a park count). */
  turn: number;
  /** Every tool result of this task so far, oldest first, including those from before a park or pause. */
  results: readonly SimulatedToolResult[];
}

/** A script for one task: its turns, latency, and an optional failure at a chosen turn. */
export interface SimulatedScript {
  turns?: SimulatedTurn[];
  /**
   * Decides each turn from the results so far, instead of `turns`: called before every turn;
   * null finishes the task, and so does a turn without tool calls (the answer, as a model's).
   */
  respond?: (context: SimulatedTurnContext) => SimulatedTurn | null;
  /** Fail when this turn (1-based) starts, with the given category and message. */
  failAt?: { turn: number; category: FailureCategory; message?: string; httpStatus?: number };
  /** Delay before each streamed chunk, ms (of the engine clock). */
  latencyMs?: number;
  /** Chunks each turn's text is streamed in. */
  chunks?: number;
}

/** Picks a script for a request (by prompt, model...). Undefined: the default deterministic behaviour. */
export type SimulatedScriptRule = { match: string | RegExp | ((request: RuntimeRequest) => boolean); script: SimulatedScript; times?: number };

/**
 * The `simulated` runtime: deterministic and offline, for demos and tests. It is labelled as a
 * simulator everywhere and never pretends to be a model: its output says it is simulated.
 * Tests script it per prompt (latency, tokens, tool calls, output, a failure of any category at
 * a chosen turn) and read {@link SimulatedRuntime.calls} to prove what was (not) re-executed.
 */
export class SimulatedRuntime implements RuntimeAdapter {
  readonly id = 'simulated' as const;
  readonly resumesFromJournal = true;
  /** Every request received, in order. */
  readonly calls: RuntimeRequest[] = [];
  private rules: SimulatedScriptRule[] = [];
  /** > 0 while {@link SimulatedRuntime.withoutLatency} work is in progress. */
  private instant = 0;

  constructor(
    private readonly clock: Clock,
    private readonly defaults: { latencyMs?: number; chunks?: number } = {},
  ) {}

  /** Adds a rule; the first matching rule wins. `times` limits how often a rule applies. */
  script(rule: SimulatedScriptRule): this {
    this.rules.push({ ...rule });
    return this;
  }

  /** Removes every rule and forgets recorded calls. */
  reset(): void {
    this.rules = [];
    this.calls.length = 0;
    this.maxInFlight = this.inFlight;
  }

  /**
   * Runs `work` with no streaming delay, then restores the configured one. For history nobody
   * watches (the demo's first runs): every call made meanwhile streams at once; a script's own
   * `latencyMs` still applies.
   */
  async withoutLatency<T>(work: () => Promise<T>): Promise<T> {
    this.instant += 1;
    try {
      return await work();
    } finally {
      this.instant -= 1;
    }
  }

  /** Number of calls whose prompt contains `text`. */
  callsMatching(text: string): number {
    return this.calls.filter((c) => c.prompt.includes(text)).length;
  }

  async describe(): Promise<RuntimeDescriptor> {
    return {
      id: 'simulated',
      label: 'Simulator (no model)',
      provider: 'Stagent',
      description:
        'Deterministic offline simulator for demos and tests. It calls no model: outputs are generated sample text and costs use nominal prices. A prompt line "/tool <name> {json input}" makes it call that granted tool first. As the assistant it follows a labelled script of a few keyword requests.',
      available: true,
      unavailableReason: null,
      models: { default: 'simulated-smart', supported: ['simulated-smart', 'simulated-fast'] },
      capabilities: ['streaming', 'tools', 'documents', 'offline', 'simulated'],
    };
  }

  /** Calls running now, and the most that ever ran at once (tests of bounded concurrency read it). */
  inFlight = 0;
  maxInFlight = 0;

  async run(request: RuntimeRequest, hooks: RuntimeHooks): Promise<RuntimeResult> {
    this.calls.push(request);
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      return await this.play(request, hooks);
    } finally {
      this.inFlight--;
    }
  }

  private async play(request: RuntimeRequest, hooks: RuntimeHooks): Promise<RuntimeResult> {
    const script = this.pickScript(request);
    const turns = script.respond ? [] : script.turns?.length ? script.turns : defaultTurns(request);
    const latency = script.latencyMs ?? (this.instant > 0 ? 0 : this.defaults.latencyMs) ?? 0;
    const chunks = Math.max(1, script.chunks ?? this.defaults.chunks ?? 4);
    let output = request.resume?.output ?? '';
    let turn = request.resume?.turn ?? 0;
    // The simulator's "conversation" is what the next call's prompt weighs, in tokens, and the
    // tool results a dynamic script reads (kept only for one, so static checkpoints stay small).
    const resumed = request.resume?.conversation as Partial<SimulatedConversation> | undefined;
    let promptTokens = resumed?.promptTokens ?? approxTokens(request.systemPrompt + request.prompt);
    const results: SimulatedToolResult[] = [...(resumed?.results ?? [])];
    const conversation = (): SimulatedConversation => (script.respond ? { promptTokens, results: [...results] } : { promptTokens });
    const streak: ToolFailureStreak = { count: 0 };
    const statuses = new Map<string, ToolOutcomeStatus>();
    const toolHooks = recordingStatuses(hooks, statuses);
    /** Runs a turn's scripted calls; a result when the task stops here (approval, abort, tool failures, finish). */
    const runTools = async (calls: { id: string; name: string; input: Record<string, unknown> }[], decisions: Record<string, ToolDecision> = {}) => {
      const waitingFor = callsAwaitingApproval(request.tools, calls, decisions);
      if (waitingFor.length)
        return {
          status: 'WAITING_APPROVAL',
          output,
          turns: turn,
          parked: { turn, conversation: conversation(), output, pendingCalls: calls, waitingFor },
        } as RuntimeResult;
      const ran = await runToolTurn(request.tools, calls, toolHooks, request.signal, streak, decisions);
      if (ran.kind === 'aborted')
        return abortResult(request, output, turn) ?? ({ status: 'CANCELLED', output, turns: turn, failure: fail('CANCELLED', 'Cancelled.') } as RuntimeResult);
      if (ran.kind === 'failed') return { status: 'FAILED', output, turns: turn, failure: ran.failure } as RuntimeResult;
      for (const r of ran.results) {
        promptTokens += approxTokens(r.content);
        const status = statuses.get(r.call.id) ?? (r.isError ? 'FAILED' : 'SUCCEEDED');
        if (script.respond) results.push({ name: r.call.name, input: r.call.input, content: r.content, isError: r.isError, status });
      }
      return ran.endsTask ? ({ status: 'COMPLETED', output: output.trimEnd(), turns: turn } as RuntimeResult) : null;
    };
    if (request.resume) {
      const ended = await runTools(request.resume.pendingCalls, request.resume.decisions);
      if (ended) return ended;
    }

    const next = (): SimulatedTurn | null => (script.respond ? script.respond({ request, turn: turn + 1, results }) : (turns[turn] ?? null));
    for (let planned = next(); planned; planned = next()) {
      turn += 1;
      if (turn > request.maxTurns)
        return { status: 'FAILED', output, turns: turn - 1, failure: fail('TURN_LIMIT', `Reached the limit of ${request.maxTurns} turns.`) };
      const aborted = abortResult(request, output, turn - 1);
      if (aborted) return aborted;
      hooks.onTurnStart(turn);
      if (script.failAt && script.failAt.turn === turn) {
        const f = script.failAt;
        return {
          status: f.category === 'CANCELLED' ? 'CANCELLED' : 'FAILED',
          output,
          turns: turn,
          failure: fail(f.category, f.message ?? `Simulated ${f.category} at turn ${turn}.`, f.httpStatus),
        };
      }
      const text = planned.text ?? '';
      if (text && output && !output.endsWith('\n')) {
        output += '\n';
        hooks.onOutputDelta('\n');
      }
      for (const piece of split(text, chunks)) {
        if (latency > 0) {
          try {
            await this.clock.sleep(latency, request.signal);
          } catch {
            return abortResult(request, output, turn) ?? { status: 'CANCELLED', output, turns: turn, failure: fail('CANCELLED', 'Cancelled.') };
          }
        }
        const late = abortResult(request, output, turn);
        if (late) return late;
        output += piece;
        hooks.onOutputDelta(piece);
      }
      const calls = (planned.toolCalls ?? []).map((c, i) => ({ id: `sim-${turn}-${i + 1}`, name: c.name, input: c.input }));
      const checkpoint = { turn, conversation: conversation(), output, pendingCalls: calls };
      const verdict = await hooks.onUsage(
        {
          model: request.model,
          inputTokens: planned.inputTokens ?? promptTokens,
          outputTokens: planned.outputTokens ?? Math.max(1, approxTokens(text)),
          cacheReadTokens: planned.cacheReadTokens ?? 0,
        },
        checkpoint,
      );
      if (verdict.stop)
        return verdict.pause
          ? { status: 'PAUSED', output, turns: turn, failure: verdict.failure, parked: { ...checkpoint, waitingFor: [] } }
          : { status: 'FAILED', output, turns: turn, failure: verdict.failure };
      const ended = await runTools(calls);
      if (ended) return ended;
      if (calls.length) hooks.onCheckpoint?.({ turn, conversation: conversation(), output, pendingCalls: [] });
      else if (script.respond) break;
    }
    return { status: 'COMPLETED', output: output.trimEnd(), turns: turn };
  }

  private pickScript(request: RuntimeRequest): SimulatedScript {
    for (const rule of this.rules) {
      const m = rule.match;
      const hit = typeof m === 'string' ? request.prompt.includes(m) : m instanceof RegExp ? m.test(request.prompt) : m(request);
      if (!hit) continue;
      if (rule.times !== undefined) {
        if (rule.times <= 0) continue;
        rule.times -= 1;
      }
      return rule.script;
    }
    // Built in, after every scripted rule: the assistant's offline, labelled behaviour.
    return request.purpose === 'assistant' ? ASSISTANT_SCRIPT : {};
  }
}

const ASSISTANT_SCRIPT = simulatedAssistant();

/** The simulator's checkpoint conversation. */
interface SimulatedConversation {
  promptTokens: number;
  results?: SimulatedToolResult[];
}

/** `hooks` that also note how each tool call ended, by call id (runToolTurn reports only through these). */
function recordingStatuses(hooks: RuntimeHooks, statuses: Map<string, ToolOutcomeStatus>): RuntimeHooks {
  return {
    onTurnStart: (turn) => hooks.onTurnStart(turn),
    onOutputDelta: (text) => hooks.onOutputDelta(text),
    onToolStart: (call) => hooks.onToolStart(call),
    onToolFinish: (call, result, status) => {
      statuses.set(call.id, status);
      hooks.onToolFinish(call, result, status);
    },
    onUsage: (usage, checkpoint) => hooks.onUsage(usage, checkpoint),
    onRetry: (info) => hooks.onRetry(info),
  };
}

function fail(category: FailureCategory, message: string, httpStatus?: number): ClassifiedFailure {
  return { category, message, retryable: false, httpStatus };
}

function abortResult(request: RuntimeRequest, output: string, turns: number): RuntimeResult | null {
  if (request.signal.aborted) {
    const reason = request.signal.reason;
    if (reason && typeof reason === 'object' && 'category' in reason) return { status: 'FAILED', output, turns, failure: reason as ClassifiedFailure };
    return { status: 'CANCELLED', output, turns, failure: fail('CANCELLED', 'Cancelled by user.') };
  }
  if (request.deadlineAt !== undefined && Date.now() > request.deadlineAt)
    return { status: 'FAILED', output, turns, failure: fail('TIMEOUT', 'Task deadline passed.') };
  return null;
}

/** About four characters per token: the simulator's stand-in for a tokenizer. */
export function approxTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function split(text: string, parts: number): string[] {
  if (!text) return [];
  const size = Math.ceil(text.length / parts);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** Deterministic default: a short markdown answer derived from the prompt; a document search first when tools exist. */
function defaultTurns(request: RuntimeRequest): SimulatedTurn[] {
  const digest = createHash('sha256').update(request.prompt).digest();
  const title = lastInstruction(request.prompt);
  const points = 3 + (digest[0]! % 3);
  const lines = [`### Simulated result: ${title}`, '', '_Generated by the Stagent simulator; no model was called._', ''];
  for (let i = 0; i < points; i++) lines.push(`- Finding ${i + 1}: sample insight #${digest[i + 1]!.toString(16)} about "${title}".`);
  const turns: SimulatedTurn[] = [];
  const asked = toolDirectives(request);
  if (asked.length) turns.push({ text: `Calling ${asked.map((c) => c.name).join(', ')} as the prompt asks.`, toolCalls: asked });
  const search = request.tools.find((t) => t.name === 'search_documents');
  if (search)
    turns.push({
      text: 'Checking the bound documents first.',
      toolCalls: [{ name: 'search_documents', input: { query: title.split(' ').slice(0, 3).join(' ') } }],
    });
  turns.push({ text: lines.join('\n') });
  return turns;
}

/**
 * `/tool <name> <json input>` lines of a prompt: the simulator calls those tools in its first
 * turn, so demos and tests can drive any granted tool (approvals included) without a model.
 */
const TOOL_DIRECTIVE = /^\/tool\s+(\S+)\s*(\{.*\})?\s*$/gm;

function toolDirectives(request: RuntimeRequest): { name: string; input: Record<string, unknown> }[] {
  const calls: { name: string; input: Record<string, unknown> }[] = [];
  for (const match of request.prompt.matchAll(TOOL_DIRECTIVE)) {
    let input: Record<string, unknown> = {};
    try {
      const parsed: unknown = match[2] ? JSON.parse(match[2]) : {};
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) input = parsed as Record<string, unknown>;
    } catch {
      // Not JSON: the call goes out without arguments, and the tool's own error tells the story.
    }
    calls.push({ name: match[1]!, input });
  }
  return calls;
}

/** The block of bound documents a workflow step's prompt starts with (workflows/document-context.ts); never the instruction. */
const DOCUMENT_BLOCK = /^\s*--- Documents \(\d+\) ---[\s\S]*?\n--- End of documents ---/;

function lastInstruction(prompt: string): string {
  const tail = (prompt.split('\n---\n').pop() ?? prompt).replace(DOCUMENT_BLOCK, '');
  const line =
    tail
      .trim()
      .split('\n')
      .find((l) => l.trim() && !l.startsWith('/tool')) ?? 'task';
  return line
    .replace(/[#*_`]/g, '')
    .trim()
    .slice(0, 60);
}
