import { formatCount, formatQuantity, formatUsd } from '@stagent/engine/format';
import type { AssistantLink, AssistantMessage } from '$lib/graphql/assistant';
import type { ToolCall, ToolCallStatus } from '$lib/graphql/tools';
import { Route } from '$lib/route';

/** How long a one-line summary of a tool call's input may get, characters. */
export const INPUT_SUMMARY_CHARS = 90;

/**
 * A tool call's input on one line, for its card: `key: value` pairs of the top level (strings
 * unquoted, nested values as compact JSON), cut at `max` characters with an ellipsis. Untrusted
 * text: the card shows it as text. `{}` and nothing read as "no input".
 */
export function toolInputSummary(input: unknown, max = INPUT_SUMMARY_CHARS): string {
  let text: string;
  if (input === null || input === undefined) text = '';
  else if (typeof input === 'object' && !Array.isArray(input)) {
    text = Object.entries(input as Record<string, unknown>)
      .map(([key, value]) => `${key}: ${inlineValue(value)}`)
      .join(', ');
  } else text = inlineValue(input);
  text = text.replace(/\s+/g, ' ').trim();
  if (text === '') return 'no input';
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}

function inlineValue(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * What an answer cost, for the line under it: `$0.0042 · 1,234 tokens (1,000 in, 234 out)`.
 * Null while nothing is known (a user's message, or an answer still streaming without usage).
 */
export function answerUsage(message: Pick<AssistantMessage, 'costUsd' | 'inputTokens' | 'outputTokens'>): string | null {
  const { costUsd, inputTokens, outputTokens } = message;
  if (costUsd === null && inputTokens === null && outputTokens === null) return null;
  const parts: string[] = [];
  if (costUsd !== null) parts.push(formatUsd(costUsd));
  if (inputTokens !== null || outputTokens !== null) {
    const total = (inputTokens ?? 0) + (outputTokens ?? 0);
    parts.push(`${formatQuantity(total, 'token')} (${formatCount(inputTokens ?? 0)} in, ${formatCount(outputTokens ?? 0)} out)`);
  }
  return parts.join(' · ');
}

/** Where a message's link goes: the run when it names one, else the workflow. */
export function linkHref(link: AssistantLink): string {
  return link.runId ? Route.run({ workflowId: link.workflowId, runId: link.runId }) : Route.workflow({ id: link.workflowId });
}

/**
 * Whether an `href` in the assistant's markdown is a page of this dashboard (a path of this
 * origin, as the assistant links runs, workflows and Settings): such a link opens in place, so the
 * panel stays open beside it. Anything else (other origins, protocol-relative URLs, the API's
 * endpoint) opens in a new tab.
 */
export function isDashboardPath(href: string | null | undefined): boolean {
  if (!href || !href.startsWith('/') || href.startsWith('//') || href.includes('\\')) return false;
  return !/^\/graphql(?:[/?#]|$)/.test(href);
}

/** How far a tool call has come: a call never goes back, so an older view never replaces a later one. */
const TOOL_CALL_STAGE: Record<ToolCallStatus, number> = {
  WAITING_APPROVAL: 0,
  RUNNING: 1,
  SUCCEEDED: 2,
  FAILED: 2,
  DENIED: 2,
  TIMED_OUT: 2,
  CANCELLED: 2,
};

/** The calls with `call` put in: replacing the known view of it unless that one is further along; appended when new. */
export function upsertToolCall(calls: readonly ToolCall[], call: ToolCall): ToolCall[] {
  const index = calls.findIndex((c) => c.id === call.id);
  if (index === -1) return [...calls, call];
  if (TOOL_CALL_STAGE[calls[index].status] > TOOL_CALL_STAGE[call.status]) return [...calls];
  return calls.map((c, i) => (i === index ? call : c));
}

/** Whether a message may still change (its events are still coming). */
export function isOpenMessage(message: Pick<AssistantMessage, 'status'>): boolean {
  return message.status === 'STREAMING' || message.status === 'WAITING_APPROVAL';
}
