import type { AssistantEvent, AssistantMessage, AssistantMessageStatus } from '$lib/graphql/assistant';
import type { ToolCall } from '$lib/graphql/tools';
import { upsertToolCall } from '$lib/assistant-format';

/**
 * What the event stream has told about one reply message so far. It is kept apart from the
 * stored message (a query's answer) and merged over it by {@link mergeMessage}, so a snapshot read
 * before or after some events, and events replayed after a reconnect, never lose or double text.
 */
export interface LiveMessage {
  /** Text streamed since MESSAGE_STARTED (only trusted as the whole text when `fromStart`). */
  content: string;
  /** Whether this stream saw the message start, so `content` is all of it. */
  fromStart: boolean;
  status: AssistantMessageStatus;
  error: string | null;
  toolCalls: ToolCall[];
}

/** Reply messages by id, as the events tell them. */
export type LiveMessages = Readonly<Record<string, LiveMessage>>;

const EMPTY: LiveMessage = { content: '', fromStart: false, status: 'STREAMING', error: null, toolCalls: [] };

/** The live messages after one event (a new object; the event's seq is checked by the caller). */
export function applyAssistantEvent(live: LiveMessages, event: AssistantEvent): LiveMessages {
  const known = live[event.messageId] ?? EMPTY;
  let next: LiveMessage = known;
  switch (event.kind) {
    case 'MESSAGE_STARTED':
      next = { ...EMPTY, fromStart: true };
      break;
    case 'TEXT_DELTA':
      next = { ...known, content: known.content + (event.textDelta ?? ''), status: 'STREAMING' };
      break;
    case 'TOOL_CALL':
    case 'TOOL_RESULT': {
      if (!event.toolCall) return live;
      const toolCalls = upsertToolCall(known.toolCalls, event.toolCall);
      const waiting = toolCalls.some((c) => c.status === 'WAITING_APPROVAL');
      next = { ...known, toolCalls, status: waiting ? 'WAITING_APPROVAL' : 'STREAMING' };
      break;
    }
    case 'MESSAGE_COMPLETED':
      next = { ...known, status: 'COMPLETED' };
      break;
    case 'MESSAGE_FAILED':
      next = { ...known, status: 'FAILED', error: event.message ?? known.error };
      break;
    default:
      return live;
  }
  return { ...live, [event.messageId]: next };
}

const ENDED = new Set<AssistantMessageStatus>(['COMPLETED', 'FAILED']);

/**
 * A stored message with what the events told about it: the streamed text when the stream saw
 * it all and it is not shorter than the stored text; the events' status unless the stored one has
 * already ended; tool calls merged by id, each in its furthest state.
 */
export function mergeMessage(stored: AssistantMessage, live: LiveMessage | undefined): AssistantMessage {
  if (!live) return stored;
  const content = live.fromStart && live.content.length >= stored.content.length ? live.content : stored.content;
  const ended = ENDED.has(stored.status);
  const status = ended ? stored.status : live.status;
  const error = stored.error ?? (status === 'FAILED' ? live.error : null);
  const toolCalls = live.toolCalls.reduce((calls, call) => upsertToolCall(calls, call), stored.toolCalls);
  return { ...stored, content, status, error, toolCalls };
}
