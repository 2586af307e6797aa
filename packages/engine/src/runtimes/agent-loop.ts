import type { Clock } from '../clock.js';
import { CallWatchdog, TaskWatchdog } from './call-watchdog.js';
import { ClassifiedProviderError, failure, failureFromAbortReason } from './error-classification.js';
import { failureDisposition, type ClassifiedFailure } from './failure-category.js';
import { callWithRetries, type RetryPolicy } from './retry-policy.js';
import type { ModelCallUsage, RuntimeHooks, RuntimeRequest, RuntimeResult, ToolCallRequest } from './runtime.js';
import { callsAwaitingApproval, runToolTurn, type ToolCallResult, type ToolFailureStreak } from './tool-turn.js';

/**
 * The provider-neutral tool-use loop shared by anthropic-direct, openai-direct and ollama.
 * Each adapter supplies a {@link ProviderConversation} that owns the wire-format history; the
 * loop owns turns, retries, caps (through `hooks.onUsage`), tools, cancel and timeouts.
 *
 * Per turn: `onTurnStart` → one model call (retried per the policy, each retry reported) →
 * `onUsage` (stop at once if the verdict says so) → the model's own turn is appended to the
 * history verbatim → tools run and their results are appended → next turn. A turn whose calls
 * need a person's approval ends the task WAITING_APPROVAL with a checkpoint of the conversation;
 * `request.resume` goes on from such a checkpoint without calling the model for earlier turns.
 */

/** A tool call the model asked for. */
export type ToolCall = ToolCallRequest;

/** Why a model call ended: done, wants tools, hit its output limit, or ran out of context. */
export type TurnStop = 'end' | 'tool_use' | 'max_tokens' | 'context_window';

/** One completed model call. */
export interface ModelTurn {
  text: string;
  toolCalls: ToolCall[];
  usage: ModelCallUsage;
  stop: TurnStop;
  /** The provider's own turn object, kept so it can be sent back verbatim. */
  raw?: unknown;
}

/** A tool's result, sent back to the model. */
export type ToolResult = ToolCallResult;

/** The wire-format side of the loop; one instance per task. */
export interface ProviderConversation {
  /** One model call over the history. Streams text through `onText`; calls `onActivity` on every event. Throws on failure. */
  call(io: { signal: AbortSignal; onText(text: string): void; onActivity(): void }): Promise<ModelTurn>;
  /** Appends the model's own turn (text and tool calls) to the history. */
  addAssistantTurn(turn: ModelTurn): void;
  /** Appends the results of the turn's tool calls, in call order. */
  addToolResults(results: ToolResult[]): void;
  /** Asks the model to go on after it hit its output limit. */
  addContinuation(): void;
  /** The whole history as JSON-safe data (a checkpoint), and putting it back. */
  snapshot(): unknown;
  restore(snapshot: unknown): void;
}

/** What the loop needs besides the request, the hooks and the conversation. */
export interface AgentLoopOptions {
  clock: Clock;
  retry: RetryPolicy;
  /** Classifies what the conversation's `call` threw (SDK errors, transport errors). */
  classify(err: unknown): ClassifiedFailure;
  random?: () => number;
}

/** Runs one task to its end. Never throws for provider failures. */
export async function runAgentLoop(
  request: RuntimeRequest,
  hooks: RuntimeHooks,
  conversation: ProviderConversation,
  opts: AgentLoopOptions,
): Promise<RuntimeResult> {
  const task = new TaskWatchdog(opts.clock, request.signal, request.deadlineAt);
  const streak: ToolFailureStreak = { count: 0 };
  let output = '';
  let turn = 0;
  // After a max_tokens stop the next turn continues the same text: no separator.
  let continuing = false;
  const end = (f: ClassifiedFailure, partial = output): RuntimeResult => ({
    status: failureDisposition(f.category).taskStatus,
    output: partial,
    turns: turn,
    failure: f,
  });
  /** Runs a turn's calls and appends their results; a result when the task ends here. */
  const runTools = async (calls: ToolCall[], decisions: NonNullable<RuntimeRequest['resume']>['decisions'] = {}): Promise<RuntimeResult | null> => {
    if (calls.length === 0) return null; // a resume whose turn's tools already ran
    const waitingFor = callsAwaitingApproval(request.tools, calls, decisions);
    if (waitingFor.length)
      return {
        status: 'WAITING_APPROVAL',
        output,
        turns: turn,
        parked: { turn, conversation: conversation.snapshot(), output, pendingCalls: calls, waitingFor },
      };
    const ran = await runToolTurn(request.tools, calls, hooks, task.signal, streak, decisions);
    if (ran.kind === 'aborted') return end(failureFromAbortReason(task.signal.reason));
    if (ran.kind === 'failed') return end(ran.failure);
    conversation.addToolResults(ran.results);
    return ran.endsTask ? { status: 'COMPLETED', output, turns: turn } : null;
  };
  try {
    if (request.resume) {
      conversation.restore(request.resume.conversation);
      ({ turn, output } = request.resume);
      const ended = await runTools(request.resume.pendingCalls, request.resume.decisions);
      if (ended) return ended;
      if (request.resume.pendingCalls.length) hooks.onCheckpoint?.({ turn, conversation: conversation.snapshot(), output, pendingCalls: [] });
    }
    while (turn < request.maxTurns) {
      if (task.signal.aborted) return end(failureFromAbortReason(task.signal.reason));
      turn += 1;
      hooks.onTurnStart(turn);
      let attemptText = '';
      const outcome = await callWithRetries(
        async () => {
          attemptText = '';
          const call = new CallWatchdog(opts.clock, task.signal, request.streamIdleTimeoutMs);
          try {
            const result = await conversation.call({
              signal: call.signal,
              onActivity: () => call.activity(),
              onText: (text) => {
                call.activity();
                attemptText += text;
                hooks.onOutputDelta(text);
              },
            });
            // The SDKs end a stream quietly when its signal aborts: the signal decides, not the result.
            if (call.signal.aborted) throw new ClassifiedProviderError(failureFromAbortReason(call.signal.reason));
            return result;
          } catch (err) {
            if (call.signal.aborted) throw new ClassifiedProviderError(failureFromAbortReason(call.signal.reason));
            throw err;
          } finally {
            call.dispose();
          }
        },
        {
          policy: opts.retry,
          clock: opts.clock,
          signal: task.signal,
          deadlineAt: request.deadlineAt,
          random: opts.random,
          onRetry: (info) => hooks.onRetry(info),
          classify: (err) => {
            if (err instanceof ClassifiedProviderError) return err.failure;
            if (task.signal.aborted) return failureFromAbortReason(task.signal.reason);
            return opts.classify(err);
          },
        },
      );
      if (!outcome.ok) return end(outcome.failure, continuing ? output + attemptText : joinText(output, attemptText));
      const modelTurn = outcome.value;
      output = continuing ? output + modelTurn.text : joinText(output, modelTurn.text);
      continuing = modelTurn.stop === 'max_tokens' && modelTurn.toolCalls.length === 0;
      // The model's own turn joins the history before its usage is reported, so the checkpoint
      // stored with that usage (the turn journal) holds the turn: a resume never calls it again.
      conversation.addAssistantTurn(modelTurn);
      if (continuing) conversation.addContinuation();
      const checkpoint = { turn, conversation: conversation.snapshot(), output, pendingCalls: modelTurn.toolCalls };
      const verdict = await hooks.onUsage(modelTurn.usage, checkpoint);
      if (verdict.stop)
        return verdict.pause
          ? { status: 'PAUSED', output, turns: turn, failure: verdict.failure, parked: { ...checkpoint, waitingFor: [] } }
          : end(verdict.failure);
      if (modelTurn.stop === 'context_window') return end(failure('CONTEXT_TOO_LARGE', `The conversation filled ${modelTurn.usage.model}'s context window.`));
      if (modelTurn.toolCalls.length === 0) {
        if (modelTurn.stop !== 'max_tokens') return { status: 'COMPLETED', output, turns: turn };
        continue;
      }
      const ended = await runTools(modelTurn.toolCalls);
      if (ended) return ended;
      hooks.onCheckpoint?.({ turn, conversation: conversation.snapshot(), output, pendingCalls: [] });
    }
    return end(failure('TURN_LIMIT', `The agent used all ${request.maxTurns} turns without finishing.`));
  } finally {
    task.dispose();
  }
}

/** Joins the text of successive turns with a newline. */
function joinText(output: string, text: string): string {
  if (!text) return output;
  if (!output) return text;
  return output.endsWith('\n') ? output + text : `${output}\n${text}`;
}
