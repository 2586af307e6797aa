import type { ClassifiedFailure } from './failure-category.js';

/**
 * The runtime interface: one adapter per provider (anthropic-direct, openai-direct, ollama,
 * claude-code, openai-codex-app-server, simulated). An adapter runs one agent task to the end
 * and reports everything through {@link RuntimeHooks}; the engine's task runner turns those
 * reports into ledger rows, live step metrics, events and cap decisions.
 */

/** Ids of the runtimes in the catalog. */
export const RuntimeId = {
  CLAUDE_CODE: 'claude-code',
  OPENAI_CODEX_APP_SERVER: 'openai-codex-app-server',
  ANTHROPIC_DIRECT: 'anthropic-direct',
  OPENAI_DIRECT: 'openai-direct',
  OLLAMA: 'ollama',
  SIMULATED: 'simulated',
} as const;
export type RuntimeId = (typeof RuntimeId)[keyof typeof RuntimeId];

/** Catalog entry (contract `Runtime`). */
export interface RuntimeDescriptor {
  id: RuntimeId;
  label: string;
  provider: string;
  description: string;
  available: boolean;
  /** Why it cannot be used right now (no API key, server not running, CLI not installed). */
  unavailableReason: string | null;
  models: { default: string; supported: string[] };
  /** e.g. `streaming`, `tools`, `prompt-caching`, `documents`, `offline`. */
  capabilities: string[];
}

/** A tool the agent may call. `run` executes it inside the engine; the result goes back to the model. */
export interface AgentTool {
  name: string;
  description: string;
  /** JSON Schema of the input object. */
  inputSchema: Record<string, unknown>;
  run(input: Record<string, unknown>, signal: AbortSignal): Promise<string>;
  /** Calling this tool ends the task successfully after this turn (a loop agent saying it is done). */
  endsTask?: boolean;
  /** What a call needs (tools/tool-grants.ts): AUTO runs at once (the default), ASK waits for a person, DENY is refused. */
  approval?: 'AUTO' | 'ASK' | 'DENY';
}

/** A tool call a model asked for. */
export interface ToolCallRequest {
  /** The provider's call id (Ollama has none: the adapter makes one up). */
  id: string;
  name: string;
  input: Record<string, unknown>;
}

/** How one tool call ended, as stored on its ToolCall. */
export type ToolOutcomeStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'DENIED' | 'CANCELLED';

/** A person's answer to a call that waited for approval. */
export interface ToolDecision {
  approved: boolean;
  comment: string | null;
}

/**
 * Where an agent loop stopped after a turn, enough to go on later without calling the model for
 * that turn again: the adapter's conversation (its own wire format, JSON), the output so far, and
 * that turn's tool calls, which have not run yet.
 */
export interface TurnCheckpoint {
  /** The last completed model turn (1-based). */
  turn: number;
  conversation: unknown;
  output: string;
  pendingCalls: ToolCallRequest[];
}

/** Everything an adapter needs to run one task. */
export interface RuntimeRequest {
  taskId: string;
  /** Model id from the catalog (already resolved; adapters never pick a model themselves). */
  model: string;
  systemPrompt: string;
  prompt: string;
  tools: AgentTool[];
  /** Model turns allowed (one turn = one model call). */
  maxTurns: number;
  /** Max output tokens per model call. */
  maxOutputTokens: number;
  /** Aborted on cancel (reason `'cancelled'`), on a cap (reason `'budget'`), or at the deadline. */
  signal: AbortSignal;
  /** Wall-clock deadline for the whole task, epoch ms of `Date.now()` (not the engine clock: deadlines are about real provider time). */
  deadlineAt?: number;
  /** Idle time after which a silent stream counts as stalled, ms. */
  streamIdleTimeoutMs?: number;
  /** Go on from here instead of starting: run the pending calls (with these decisions, by call id), then the next turn. */
  resume?: TurnCheckpoint & { decisions: Record<string, ToolDecision> };
  /** The folder an agent CLI works in (a step's `workingDirectory`); absent: a fresh temporary one, removed afterwards. */
  workingDirectory?: string;
  /**
   * What the task is for: a workflow step, a schedule's prompt, or a turn of the Stagent
   * assistant (whose tools are the GraphQL operations). Adapters call the model the same way for
   * each; the offline simulator picks its scripted behaviour by it.
   */
  purpose?: TaskPurpose;
}

/** What a task is for (`RuntimeRequest.purpose`). */
export type TaskPurpose = 'step' | 'schedule' | 'assistant';

/** Usage of one model call, as the provider reported it. */
export interface ModelCallUsage {
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

/** The engine's answer to a usage report: keep going, or stop now because a cap was reached. */
export type UsageVerdict =
  | { stop: false }
  /** `pause`: a cap was reached and the step is to stop PAUSED where it stands (setting budget.onCapReached = pause), not fail. */
  | { stop: true; failure: ClassifiedFailure; pause?: boolean };

/** Callbacks an adapter must call as the task progresses. All are cheap; await the async ones. */
export interface RuntimeHooks {
  /** A model turn (call) begins; `turn` is 1-based. */
  onTurnStart(turn: number): void;
  /** Streamed text from the model. */
  onOutputDelta(text: string): void;
  /** A tool call starts running (refused calls never start). */
  onToolStart(call: ToolCallRequest): void;
  /** A tool call ended; `result` is what the model is given back. */
  onToolFinish(call: ToolCallRequest, result: string, status: ToolOutcomeStatus): void;
  /**
   * After every model call, with where the loop stands after it (the model's turn appended, its
   * tool calls still to run): the turn journal stores both in one transaction. If the verdict
   * says stop, return at once: PAUSED with that checkpoint when it says pause, else with its failure.
   */
  onUsage(usage: ModelCallUsage, checkpoint?: TurnCheckpoint): Promise<UsageVerdict>;
  /** After a turn's tool results joined the history: the journal's turn then needs no tool run on resume. */
  onCheckpoint?(checkpoint: TurnCheckpoint): void;
  /** A failed call is about to be retried after `delayMs`. */
  onRetry(info: { attempt: number; delayMs: number; failure: ClassifiedFailure }): void;
}

/** How a task ended. `output` is whatever text was produced, partial output included. */
export interface RuntimeResult {
  /**
   * WAITING_APPROVAL: the task stopped after a turn whose calls need a person; PAUSED: a cap was
   * reached and the task stopped after that turn (`failure` says which cap). Both carry `parked`.
   */
  status: 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'WAITING_APPROVAL' | 'PAUSED';
  output: string;
  turns: number;
  failure?: ClassifiedFailure;
  /** With WAITING_APPROVAL or PAUSED: where to go on from, and the ids of the calls waiting for a decision. */
  parked?: TurnCheckpoint & { waitingFor: string[] };
}

/** A runtime adapter. */
export interface RuntimeAdapter {
  readonly id: RuntimeId;
  /**
   * Whether it goes on from a journaled turn (`RuntimeRequest.resume`): its loop is ours and hands
   * a checkpoint to `onUsage`. A runtime whose loop runs elsewhere (an agent CLI) cannot, so a cap
   * never pauses its steps: they fail, and Retry starts them afresh.
   */
  readonly resumesFromJournal: boolean;
  /** Catalog entry, with availability checked now (may probe a local server). */
  describe(): Promise<RuntimeDescriptor>;
  /** Runs one task to completion, failure or cancellation. Never throws for provider failures. */
  run(request: RuntimeRequest, hooks: RuntimeHooks): Promise<RuntimeResult>;
}
