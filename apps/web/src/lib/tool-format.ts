import type { ToolCall } from '$lib/graphql/tools';

/** A tool call's input as indented JSON, for a `<pre>` (shown as text, never as HTML). */
export function prettyJson(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

/** How long a call ran (ms): to its end, or to `now` while it runs; null before it started. */
export function toolCallDurationMs(call: Pick<ToolCall, 'startedAt' | 'finishedAt'>, now: number): number | null {
  if (!call.startedAt) return null;
  const end = call.finishedAt ? Date.parse(call.finishedAt) : now;
  return Math.max(0, end - Date.parse(call.startedAt));
}
