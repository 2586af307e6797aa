/**
 * The outcome of one MCP tool call as the engine and the model see it, and how a server's
 * content becomes text: text parts joined, other parts described in one line, the whole cut to a
 * stated size with the cut said in the text.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export type McpToolCallStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'CANCELLED';

export interface McpToolCallResult {
  status: McpToolCallStatus;
  /** What the tool returned, as text, cut to maxResultChars (with the cut stated). Empty when nothing came back. */
  output: string;
  /** For every status but SUCCEEDED: what went wrong, in words a model can act on. Null on success. */
  error: string | null;
  /** From the call's start (connecting included) to its outcome. */
  durationMs: number;
  /** Set when the output was cut: the full length and how much is shown. */
  cut: { totalChars: number; shownChars: number } | null;
}

const numbers = new Intl.NumberFormat('en-US');

/** The sentence appended to cut output: `[cut: 1,048,576 characters, showing the first 20,000]`. */
export function cutStatement(totalChars: number, shownChars: number): string {
  return `[cut: ${numbers.format(totalChars)} characters, showing the first ${numbers.format(shownChars)}]`;
}

/** `text` within `maxChars` (plus the statement of the cut when it had to be cut). */
export function cutText(text: string, maxChars: number): { text: string; cut: McpToolCallResult['cut'] } {
  if (text.length <= maxChars) return { text, cut: null };
  return { text: `${text.slice(0, maxChars)}\n${cutStatement(text.length, maxChars)}`, cut: { totalChars: text.length, shownChars: maxChars } };
}

type ContentPart = CallToolResult['content'][number];

function describePart(part: ContentPart): string {
  switch (part.type) {
    case 'text':
      return part.text;
    case 'image':
    case 'audio':
      return `[${part.type}: ${part.mimeType}, ${numbers.format(Math.floor((part.data.length * 3) / 4))} bytes, not shown]`;
    case 'resource_link':
      return `[resource link: ${part.uri}${part.name ? ` (${part.name})` : ''}]`;
    case 'resource': {
      const resource = part.resource;
      if ('text' in resource && typeof resource.text === 'string') return `[resource: ${resource.uri}]\n${resource.text}`;
      return `[resource: ${resource.uri}${resource.mimeType ? `, ${resource.mimeType}` : ''}, binary, not shown]`;
    }
    default:
      return `[${(part as { type: string }).type} content, not shown]`;
  }
}

/** A tool result as one text: its parts joined by blank lines; structured content when there are no parts. */
export function contentText(result: Pick<CallToolResult, 'content' | 'structuredContent'>): string {
  const parts = result.content ?? [];
  if (parts.length === 0 && result.structuredContent !== undefined) return JSON.stringify(result.structuredContent);
  return parts.map(describePart).join('\n\n');
}

/** The text a model receives for a call: the output on success, else the error. */
export function textForModel(result: McpToolCallResult): string {
  return result.status === 'SUCCEEDED' ? result.output : `Error: ${result.error ?? 'the tool call failed.'}`;
}
