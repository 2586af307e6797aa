import { failure } from './error-classification.js';
import type { ClassifiedFailure } from './failure-category.js';
import type { AgentTool, RuntimeHooks, ToolCallRequest, ToolDecision, ToolOutcomeStatus } from './runtime.js';

/**
 * The tool side of one model turn, shared by every runtime that runs tools itself (the direct
 * runtimes' agent loop and the simulator): which calls must wait for a person, and running the
 * calls in the model's order with their approvals, reporting each through the hooks. What a
 * model can cause (an unknown tool, bad arguments, a refusal, a tool's error) becomes a tool
 * error the model reads; only a tool failing again and again ends the task (TOOL_ERROR).
 */

/** Tool failures in a row (across turns) after which the task ends TOOL_ERROR instead of trying again. */
export const MAX_CONSECUTIVE_TOOL_FAILURES = 3;

/** Thrown by a tool's `run` to say how it failed; any other throw counts as FAILED. */
export class ToolRunFailure extends Error {
  constructor(
    readonly status: Extract<ToolOutcomeStatus, 'FAILED' | 'TIMED_OUT' | 'CANCELLED'>,
    message: string,
  ) {
    super(message);
    this.name = 'ToolRunFailure';
  }
}

/** A tool's result as sent back to the model. */
export interface ToolCallResult {
  call: ToolCallRequest;
  content: string;
  isError: boolean;
}

/** Failures in a row so far; lives as long as the task (a resumed task starts at zero). */
export interface ToolFailureStreak {
  count: number;
}

export type ToolTurnOutcome =
  { kind: 'ran'; results: ToolCallResult[]; endsTask: boolean } | { kind: 'aborted' } | { kind: 'failed'; failure: ClassifiedFailure };

/** Ids of the calls that need a person's decision before they can run: ASK tools without a decision yet. */
export function callsAwaitingApproval(
  tools: readonly AgentTool[],
  calls: readonly ToolCallRequest[],
  decisions: Readonly<Record<string, ToolDecision>> = {},
): string[] {
  return calls.filter((c) => tools.find((t) => t.name === c.name)?.approval === 'ASK' && !decisions[c.id]).map((c) => c.id);
}

/** Runs a turn's calls in order. Stops early when the task is aborted or a tool has failed too often. */
export async function runToolTurn(
  tools: readonly AgentTool[],
  calls: readonly ToolCallRequest[],
  hooks: RuntimeHooks,
  signal: AbortSignal,
  streak: ToolFailureStreak,
  decisions: Readonly<Record<string, ToolDecision>> = {},
): Promise<ToolTurnOutcome> {
  const results: ToolCallResult[] = [];
  let endsTask = false;
  for (const call of calls) {
    if (signal.aborted) return { kind: 'aborted' };
    const tool = tools.find((t) => t.name === call.name);
    const decision = decisions[call.id];
    const refused = tool?.approval === 'DENY' || decision?.approved === false;
    if (refused) {
      const why = decision?.comment ? ` The reviewer said: ${decision.comment}` : '';
      const content = `The call to ${call.name} was refused${tool?.approval === 'DENY' ? " by this step's tool grants" : ' by a person'}; it did not run.${why} Go on without it.`;
      hooks.onToolFinish(call, content, 'DENIED');
      results.push({ call, content, isError: true });
      continue;
    }
    hooks.onToolStart(call);
    let content: string;
    let status: ToolOutcomeStatus = 'SUCCEEDED';
    if (!tool) {
      content = `Unknown tool "${call.name}". Available tools: ${tools.map((t) => t.name).join(', ') || 'none'}.`;
      status = 'FAILED';
    } else {
      try {
        content = await tool.run(call.input, signal);
        if (tool.endsTask) endsTask = true;
      } catch (err) {
        status = signal.aborted ? 'CANCELLED' : err instanceof ToolRunFailure ? err.status : 'FAILED';
        content = `Tool ${call.name} failed: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
    hooks.onToolFinish(call, content, status);
    if (status === 'CANCELLED' || signal.aborted) return { kind: 'aborted' };
    results.push({ call, content, isError: status !== 'SUCCEEDED' });
    streak.count = status === 'SUCCEEDED' ? 0 : streak.count + 1;
    if (streak.count >= MAX_CONSECUTIVE_TOOL_FAILURES)
      return {
        kind: 'failed',
        failure: failure('TOOL_ERROR', `Tool calls failed ${streak.count} times in a row; the last, ${call.name}: ${content.slice(0, 1000)}`),
      };
  }
  return { kind: 'ran', results, endsTask };
}
