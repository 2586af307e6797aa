import type { AssistantEventRow } from '../db/entities/assistant-event.entity.js';
import { listAssistantEventRows, storeAssistantEvents, type PendingAssistantEvent } from '../db/assistant-store.js';
import { sqlTransaction, type SqlExecutor } from '../db/sql-executor.js';
import { newId } from '../ids.js';
import type { EngineResources } from '../resources.js';
import type { ToolCallView } from '../tools/tool-call-view.js';

/** Kinds of assistant events (contract `AssistantEventKind`). */
export const AssistantEventKind = {
  /** An answer began (messageId is the assistant's message). */
  MESSAGE_STARTED: 'MESSAGE_STARTED',
  /** Streamed answer text (textDelta), coalesced to about ten events a second. */
  TEXT_DELTA: 'TEXT_DELTA',
  /** A tool call was asked for: it runs now (RUNNING) or waits for a person (WAITING_APPROVAL), or a person decided (toolCall). */
  TOOL_CALL: 'TOOL_CALL',
  /** A tool call ended; what the model was given back is on toolCall. */
  TOOL_RESULT: 'TOOL_RESULT',
  MESSAGE_COMPLETED: 'MESSAGE_COMPLETED',
  /** The answer stopped without finishing; message says why. */
  MESSAGE_FAILED: 'MESSAGE_FAILED',
} as const;
export type AssistantEventKind = (typeof AssistantEventKind)[keyof typeof AssistantEventKind];

/** A stored assistant event (contract `AssistantEvent`). `at` is epoch ms. */
export interface AssistantEvent {
  seq: number;
  at: number;
  kind: AssistantEventKind;
  conversationId: string;
  messageId: string;
  textDelta: string | null;
  toolCall: ToolCallView | null;
  message: string | null;
}

/** An event to store: its kind and what it carries. */
export type NewAssistantEvent = Pick<AssistantEvent, 'kind' | 'conversationId' | 'messageId'> &
  Partial<Pick<AssistantEvent, 'textDelta' | 'toolCall' | 'message'>>;

export function toPending(event: NewAssistantEvent): PendingAssistantEvent {
  return {
    kind: event.kind,
    conversationId: event.conversationId,
    messageId: event.messageId,
    textDelta: event.textDelta ?? null,
    toolCall: event.toolCall ?? null,
    message: event.message ?? null,
  };
}

function toView(row: AssistantEventRow): AssistantEvent {
  return {
    seq: row.seq,
    at: row.at,
    kind: row.kind as AssistantEventKind,
    conversationId: row.conversationId,
    messageId: row.messageId,
    textDelta: row.textDelta ?? null,
    toolCall: row.toolCall ?? null,
    message: row.message ?? null,
  };
}

/**
 * Tells this process's streams that a conversation has new stored events. Streams read the
 * events themselves from the store, so a missed or doubled notice costs nothing but a read; a
 * stream on another instance learns of them by its poll ({@link ASSISTANT_POLL_MS}).
 */
export class AssistantEventHub {
  private readonly listeners = new Map<string, Set<() => void>>();

  notify(conversationIds: Iterable<string>): void {
    for (const id of new Set(conversationIds)) for (const listener of this.listeners.get(id) ?? []) listener();
  }

  subscribe(conversationId: string, listener: () => void): () => void {
    let set = this.listeners.get(conversationId);
    if (!set) this.listeners.set(conversationId, (set = new Set()));
    set.add(listener);
    return () => {
      set!.delete(listener);
      if (set!.size === 0) this.listeners.delete(conversationId);
    };
  }
}

/** The writes of one transaction and the assistant events they cause. */
export interface AssistantUnitOfWork {
  sql: SqlExecutor;
  emit(event: NewAssistantEvent): void;
}

/** Runs `work` in one transaction, stores its events with their `seq` in it, and notifies streams after commit. */
export async function inAssistantTransaction<T>(
  resources: EngineResources,
  hub: AssistantEventHub,
  work: (uow: AssistantUnitOfWork) => Promise<T>,
): Promise<T> {
  const queued: NewAssistantEvent[] = [];
  const result = await sqlTransaction(resources.orm, async (sql) => {
    const value = await work({ sql, emit: (e) => queued.push(e) });
    await storeAssistantEvents(sql, queued.map(toPending), resources.clock.now(), newId);
    return value;
  });
  hub.notify(queued.map((e) => e.conversationId));
  return result;
}

/** Stored events read per page by a stream. */
const PAGE_EVENTS = 200;
/** How often an idle stream looks for events written by another instance, ms. */
export const ASSISTANT_POLL_MS = 1_000;

/** Stored events of a conversation with `seq > afterSeq`, in order. */
export async function listAssistantEvents(resources: EngineResources, conversationId: string, afterSeq: number): Promise<AssistantEvent[]> {
  return (await listAssistantEventRows(resources, conversationId, afterSeq, 10_000)).map(toView);
}

/**
 * Replays the stored events after `afterSeq`, then follows new ones as they are stored: each
 * `seq` once, in order, without gaps (every event is read from the store, which has them all).
 * Woken by the hub at once in this process, and at most {@link ASSISTANT_POLL_MS} late for events
 * another instance stored.
 */
export async function* streamAssistantEvents(
  resources: EngineResources,
  hub: AssistantEventHub,
  conversationId: string,
  afterSeq: number,
): AsyncGenerator<AssistantEvent> {
  let last = afterSeq;
  let noticed = false;
  let wake: (() => void) | null = null;
  const unsubscribe = hub.subscribe(conversationId, () => {
    noticed = true;
    wake?.();
  });
  try {
    for (;;) {
      noticed = false;
      const rows = await listAssistantEventRows(resources, conversationId, last, PAGE_EVENTS);
      for (const row of rows) {
        last = row.seq;
        yield toView(row);
      }
      if (rows.length === PAGE_EVENTS || noticed) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ASSISTANT_POLL_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  } finally {
    unsubscribe();
  }
}
