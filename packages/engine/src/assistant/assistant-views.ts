import type { AssistantConversationRow } from '../db/entities/assistant-conversation.entity.js';
import type { AssistantMessageRow } from '../db/entities/assistant-message.entity.js';
import type { ToolCallRow } from '../db/entities/tool-call.entity.js';
import { toToolCallView, type ToolCallView } from '../tools/tool-call-view.js';
import type { AssistantMessageStatus } from './assistant-message-state.js';

/** A workflow or run an answer's tool calls touched (contract addition `AssistantLink`). */
export interface AssistantLink {
  label: string;
  workflowId: string;
  runId: string | null;
}

/** A message as the API shows it (contract `AssistantMessage`). Times are epoch ms. */
export interface AssistantMessageView {
  id: string;
  conversationId: string;
  role: 'user' | 'assistant';
  content: string;
  status: AssistantMessageStatus;
  error: string | null;
  failureCategory: string | null;
  runtimeId: string | null;
  modelId: string | null;
  toolCalls: ToolCallView[];
  links: AssistantLink[];
  createdAt: number;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
}

/** A conversation with its messages, oldest first (contract `AssistantConversation`). */
export interface AssistantConversationView {
  id: string;
  title: string;
  runtimeId: string;
  modelId: string | null;
  createdAt: number;
  updatedAt: number;
  costUsd: number;
  /** The seq of its last stored event: `assistantEvents(afterSeq: lastSeq)` follows on from this snapshot. */
  lastSeq: number;
  messages: AssistantMessageView[];
}

export function toConversationView(row: AssistantConversationRow, messages: AssistantMessageView[]): AssistantConversationView {
  return {
    id: row.id,
    title: row.title,
    runtimeId: row.runtimeId,
    modelId: row.modelId ?? null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    costUsd: row.costMicros / 1e6,
    lastSeq: row.eventSeq,
    messages,
  };
}

/**
 * The tool calls of each assistant message of one or more conversations. A conversation writes
 * one answer at a time (a new message waits for the last answer), so an answer's calls are those
 * asked for between its creation and the conversation's next message, across every task (start
 * and resumes) that wrote it.
 */
export function callsByMessage(messages: readonly AssistantMessageRow[], calls: readonly ToolCallRow[]): Map<string, ToolCallRow[]> {
  const out = new Map<string, ToolCallRow[]>();
  const byConversation = new Map<string, AssistantMessageRow[]>();
  for (const m of messages) byConversation.set(m.conversationId, [...(byConversation.get(m.conversationId) ?? []), m]);
  for (const call of calls) {
    const list = byConversation.get(call.conversationId ?? '') ?? [];
    let owner: AssistantMessageRow | undefined;
    for (const m of list) if (m.role === 'assistant' && m.createdAt <= call.requestedAt) owner = m;
    if (owner) out.set(owner.id, [...(out.get(owner.id) ?? []), call]);
  }
  return out;
}

/** A message with the tool calls its tasks made (see {@link callsByMessage}). */
export function toMessageView(row: AssistantMessageRow, calls: readonly ToolCallRow[]): AssistantMessageView {
  const views = calls.map(toToolCallView);
  return {
    id: row.id,
    conversationId: row.conversationId,
    role: row.role as 'user' | 'assistant',
    content: row.content,
    status: row.status as AssistantMessageStatus,
    error: row.error ?? null,
    failureCategory: row.failureCategory ?? null,
    runtimeId: row.runtimeId ?? null,
    modelId: row.modelId ?? null,
    toolCalls: views,
    links: linksOf(views),
    createdAt: row.createdAt,
    inputTokens: row.inputTokens ?? null,
    outputTokens: row.outputTokens ?? null,
    costUsd: row.costMicros == null ? null : row.costMicros / 1e6,
  };
}

/**
 * The workflows and runs that an answer's successful tool calls created, changed, ran or read one
 * by one (lists are left out: they would link everything). Read from what the calls returned:
 * an object with `runNumber` and `workflowId` is a run, one with `pattern` and `name` a workflow.
 */
export function linksOf(calls: readonly ToolCallView[]): AssistantLink[] {
  const links = new Map<string, AssistantLink>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== 'object') return;
    const o = value as Record<string, unknown>;
    if (typeof o.id === 'string' && typeof o.workflowId === 'string' && typeof o.runNumber === 'number')
      links.set(o.id, { label: `Run #${o.runNumber}`, workflowId: o.workflowId, runId: o.id });
    else if (typeof o.id === 'string' && typeof o.name === 'string' && typeof o.pattern === 'string' && !links.has(o.id))
      links.set(o.id, { label: o.name, workflowId: o.id, runId: null });
    for (const [key, child] of Object.entries(o)) if (key !== 'latestRun') visit(child);
  };
  for (const call of calls) {
    if (call.status !== 'SUCCEEDED' || !call.output || call.toolName.startsWith('list_')) continue;
    try {
      visit(JSON.parse(call.output));
    } catch {
      // A result cut for the model is no longer JSON: it links nothing.
    }
  }
  return [...links.values()];
}
