import {
  deleteConversationRows,
  findConversationRow,
  insertConversationRow,
  insertMessageRows,
  listConversationRows,
  lastAnswerRowIn,
  messageRowsOf,
  streamingMessageRows,
  toolCallRowsOfConversations,
  touchConversation,
  transitionAssistantMessageRow,
} from '../db/assistant-store.js';
import type { AssistantConversationRow } from '../db/entities/assistant-conversation.entity.js';
import type { AssistantMessageRow } from '../db/entities/assistant-message.entity.js';
import { waitingToolCallsOfTask } from '../db/tool-call-store.js';
import { withSqlExecutor, type SqlExecutor } from '../db/sql-executor.js';
import { ConflictError, ErrorCode, NotFoundError, StagentError } from '../errors.js';
import { newId } from '../ids.js';
import type { EngineResources } from '../resources.js';
import { spentTodayUsd } from '../budget/spend-guard.js';
import { dailyResetText } from '../budget/cap-check.js';
import { formatUsd } from '../format/index.js';
import type { SettingsSystem } from '../settings/settings-system.js';
import type { TaskRunner } from '../tasks/task-runner.js';
import type { ToolCallView } from '../tools/tool-call-view.js';
import { AnswerWriter, type AssistantToolset } from './assistant-answer.js';
import { AssistantEventHub, inAssistantTransaction, listAssistantEvents, streamAssistantEvents, type AssistantEvent } from './assistant-events.js';
import { callsByMessage, toConversationView, toMessageView, type AssistantConversationView, type AssistantMessageView } from './assistant-views.js';

/** Longest message a user may send, characters. */
export const MAX_ASSISTANT_MESSAGE_CHARS = 16_000;
/** Conversations `assistantConversations` lists, most recently updated first. */
export const MAX_LISTED_CONVERSATIONS = 100;
/** Characters of the first message that title a conversation. */
const TITLE_CHARS = 80;

/** `sendAssistantMessage`'s arguments. */
export interface SendAssistantMessageInput {
  conversationId?: string | null;
  content: string;
  runtimeId?: string | null;
  modelId?: string | null;
}

/** What `sendAssistantMessage` returns: the conversation and the answer being written (STREAMING). */
export interface AssistantSend {
  conversation: AssistantConversationView;
  message: AssistantMessageView;
}

/**
 * The Stagent assistant: conversations stored with their messages, tool calls, tokens and cost;
 * each answer written by an {@link AnswerWriter} as a task whose tools are the caller's GraphQL
 * operations. Every bad input is refused before anything is stored.
 */
export class AssistantSystem {
  private readonly hub = new AssistantEventHub();
  private readonly writer: AnswerWriter;

  constructor(
    private readonly resources: EngineResources,
    tasks: TaskRunner,
    private readonly settings: SettingsSystem,
  ) {
    this.writer = new AnswerWriter(resources, tasks, settings, this.hub);
  }

  /** Starts a conversation (no id) or continues one; the answer is written in the background and streams on {@link events}. */
  async send(input: SendAssistantMessageInput, toolset: AssistantToolset): Promise<AssistantSend> {
    const content = input.content.trim();
    if (!content) throw new StagentError(ErrorCode.INVALID_VALUE, 'Write a message: an empty one has nothing to answer.', { field: ['content'] });
    if (content.length > MAX_ASSISTANT_MESSAGE_CHARS)
      throw new StagentError(
        ErrorCode.OUT_OF_RANGE,
        `A message is at most ${MAX_ASSISTANT_MESSAGE_CHARS} characters; this one has ${content.length}. Attach long text as a document and ask about it instead.`,
        { field: ['content'] },
      );
    const existing = input.conversationId ? await findConversationRow(this.resources, input.conversationId) : null;
    if (input.conversationId && !existing) throw new NotFoundError('Assistant conversation', input.conversationId, ['conversationId']);
    const { runtimeId, modelId, chosenModel } = await this.pickRuntime(input, existing);
    await this.refuseAtDailyCap();

    const now = this.resources.clock.now();
    const conversationId = existing?.id ?? newId();
    const question: AssistantMessageRow = message(conversationId, 'user', content, 'COMPLETED', now);
    const answer: AssistantMessageRow = { ...message(conversationId, 'assistant', '', 'STREAMING', now), runtimeId, modelId };
    await inAssistantTransaction(this.resources, this.hub, async (uow) => {
      if (existing) {
        // The update holds the conversation's row until commit, so of two messages sent at once the second sees the first's answer.
        await touchConversation(uow.sql, conversationId, { updatedAt: now, runtimeId, modelId: chosenModel });
        refuseWhileAnswering(await lastAnswerRowIn(uow.sql, conversationId));
      } else
        await insertConversationRow(uow.sql, {
          id: conversationId,
          createdAt: now,
          updatedAt: now,
          title: titleOf(content),
          runtimeId,
          modelId: chosenModel,
          costMicros: 0,
          eventSeq: 0,
        });
      await insertMessageRows(uow.sql, [question, answer]);
      uow.emit({ kind: 'MESSAGE_STARTED', conversationId, messageId: answer.id, message: `Answering on ${runtimeId} (${modelId}).` });
    });
    this.writer.start(answer, toolset);
    return { conversation: (await this.conversation(conversationId))!, message: toMessageView(answer, []) };
  }

  /**
   * After a person decided one of an answer's tool calls: says so on the conversation's stream,
   * and when none of the answer's calls still waits, claims the answer (WAITING_APPROVAL →
   * STREAMING: of two deciders, one wins) and goes on from its checkpoint with the decisions.
   */
  async afterDecision(call: ToolCallView, toolset: AssistantToolset): Promise<void> {
    if (!call.conversationId) return;
    const conversationId = call.conversationId;
    const claimed = await inAssistantTransaction(this.resources, this.hub, async (uow) => {
      const row = await this.answerOf(uow.sql, call);
      if (!row) return null;
      uow.emit({
        kind: call.status === 'DENIED' ? 'TOOL_RESULT' : 'TOOL_CALL',
        conversationId,
        messageId: row.id,
        toolCall: call,
        message: `${call.status === 'DENIED' ? 'Denied' : 'Approved'} the call to ${call.toolName}.`,
      });
      if (row.status !== 'WAITING_APPROVAL' || !row.taskId || (await waitingToolCallsOfTask(uow.sql, row.taskId)).length > 0) return null;
      try {
        await transitionAssistantMessageRow(uow.sql, row.id, 'WAITING_APPROVAL', 'STREAMING', { updatedAt: this.resources.clock.now() });
      } catch (error) {
        if (error instanceof ConflictError) return null; // another decider claimed it
        throw error;
      }
      return row;
    });
    if (!claimed?.checkpoint) return;
    const calls = (await toolCallRowsOfConversations(this.resources, [conversationId])).filter((c) => c.taskId === claimed.taskId);
    const decisions = Object.fromEntries(
      calls.filter((c) => c.approval === 'ASK').map((c) => [c.providerCallId, { approved: c.status !== 'DENIED', comment: c.comment ?? null }]),
    );
    this.writer.start({ ...claimed, status: 'STREAMING' }, toolset, { ...claimed.checkpoint, decisions });
  }

  /** Conversations, most recently updated first, with their messages. */
  async conversations(): Promise<AssistantConversationView[]> {
    return this.views(await listConversationRows(this.resources, MAX_LISTED_CONVERSATIONS));
  }

  async conversation(id: string): Promise<AssistantConversationView | null> {
    const row = await findConversationRow(this.resources, id);
    return row ? ((await this.views([row]))[0] ?? null) : null;
  }

  /** Deletes a conversation with its messages, events and tool calls (an answer being written stops); its spend stays in the ledger. */
  async delete(id: string): Promise<string> {
    const rows = await messageRowsOf(this.resources, [id]);
    for (const row of rows) this.writer.running.get(row.id)?.abort('cancelled');
    const deleted = await withSqlExecutor(this.resources.orm, (sql) => deleteConversationRows(sql, id));
    if (!deleted) throw new NotFoundError('Assistant conversation', id, ['id']);
    return id;
  }

  /** Stored events of a conversation after `afterSeq`; NOT_FOUND for an unknown one. */
  async events(conversationId: string, afterSeq: number | null): Promise<AssistantEvent[]> {
    await this.requireConversation(conversationId);
    return listAssistantEvents(this.resources, conversationId, afterSeq ?? 0);
  }

  /** Replays stored events after `afterSeq`, then follows new ones; NOT_FOUND for an unknown conversation. */
  async subscribe(conversationId: string, afterSeq: number | null): Promise<AsyncGenerator<AssistantEvent>> {
    await this.requireConversation(conversationId);
    return streamAssistantEvents(this.resources, this.hub, conversationId, afterSeq ?? 0);
  }

  /** Stops the answers this process is writing (at shutdown) and waits for them to be recorded. */
  stop(): Promise<void> {
    return this.writer.stop();
  }

  /**
   * Answers left STREAMING by a process that stopped mid-answer end FAILED, saying so (one
   * process only: with several instances another may still be writing them).
   */
  async failInterrupted(): Promise<number> {
    const rows = await streamingMessageRows(this.resources);
    for (const row of rows)
      await inAssistantTransaction(this.resources, this.hub, async (uow) => {
        const error = 'Stagent stopped while writing this answer; what it had written is kept. Send the message again to go on.';
        await transitionAssistantMessageRow(uow.sql, row.id, 'STREAMING', 'FAILED', {
          error,
          failureCategory: 'CANCELLED',
          updatedAt: this.resources.clock.now(),
        });
        uow.emit({ kind: 'MESSAGE_FAILED', conversationId: row.conversationId, messageId: row.id, message: error });
      });
    return rows.length;
  }

  private async requireConversation(id: string): Promise<void> {
    if (!(await findConversationRow(this.resources, id))) throw new NotFoundError('Assistant conversation', id, ['conversationId']);
  }

  /** The answer `call` belongs to, read in the decision's transaction: the conversation's last (one answer is written at a time). */
  private answerOf(sql: SqlExecutor, call: ToolCallView): Promise<AssistantMessageRow | undefined> {
    return lastAnswerRowIn(sql, call.conversationId!);
  }

  /** The runtime and model of the answer: the message's, else the conversation's, else setting routing.defaultRuntime; refused when unknown or unavailable. */
  private async pickRuntime(input: SendAssistantMessageInput, existing: AssistantConversationRow | null) {
    const catalog = this.resources.catalog;
    const runtimeId =
      input.runtimeId ??
      existing?.runtimeId ??
      (await this.settings.get<string>('routing.defaultRuntime')) ??
      (await catalog.firstAvailable())?.id ??
      'simulated';
    const adapter = catalog.get(runtimeId, ['runtimeId']);
    const described = await adapter.describe();
    if (!described.available)
      throw new StagentError(
        ErrorCode.UNAVAILABLE,
        `Runtime ${runtimeId} is not available: ${described.unavailableReason ?? 'no reason given'}. Pick an available runtime (the runtimes query lists them) or set it up in Settings.`,
        { field: [input.runtimeId ? 'runtimeId' : 'conversationId'] },
      );
    const chosenModel = input.modelId ?? (input.runtimeId && input.runtimeId !== existing?.runtimeId ? null : (existing?.modelId ?? null));
    const modelId = await catalog.resolveModel(runtimeId, chosenModel, ['modelId']);
    return { runtimeId, modelId, chosenModel };
  }

  /** An answer calls a model: at the daily cap it would only be stopped after paying for a call, so it is refused before. */
  private async refuseAtDailyCap(): Promise<void> {
    const cap = await this.settings.get<number>('budget.maxDailyCostUsd');
    if (cap == null) return;
    const now = this.resources.clock.now();
    const today = await withSqlExecutor(this.resources.orm, (sql) => spentTodayUsd(sql, now));
    if (today >= cap)
      throw new ConflictError(
        `Spend today is ${formatUsd(today)}, at the daily cap of ${formatUsd(cap)} (budget.maxDailyCostUsd), which the assistant's model calls count against too. ${dailyResetText(now)} Raise the setting to go on today.`,
        ['content'],
      );
  }

  private async views(rows: AssistantConversationRow[]): Promise<AssistantConversationView[]> {
    const ids = rows.map((r) => r.id);
    const messages = await messageRowsOf(this.resources, ids);
    const byMessage = callsByMessage(messages, await toolCallRowsOfConversations(this.resources, ids));
    return rows.map((row) =>
      toConversationView(
        row,
        messages.filter((m) => m.conversationId === row.id).map((m) => toMessageView(m, byMessage.get(m.id) ?? [])),
      ),
    );
  }
}

/** Refuses a new message while the conversation's last answer is still being written or waits for approvals. */
function refuseWhileAnswering(last: AssistantMessageRow | undefined): void {
  if (last?.status === 'STREAMING')
    throw new ConflictError('The assistant is still answering your last message in this conversation; wait for it to finish, then send again.', [
      'conversationId',
    ]);
  if (last?.status === 'WAITING_APPROVAL')
    throw new ConflictError('The last answer in this conversation waits for your approval of its tool calls; approve or deny them (resolveToolCall) first.', [
      'conversationId',
    ]);
}

function message(conversationId: string, role: 'user' | 'assistant', content: string, status: 'COMPLETED' | 'STREAMING', now: number): AssistantMessageRow {
  return {
    id: newId(),
    createdAt: now,
    conversationId,
    role,
    content,
    status,
    error: null,
    failureCategory: null,
    taskId: null,
    runtimeId: null,
    modelId: null,
    turns: 0,
    inputTokens: null,
    outputTokens: null,
    costMicros: null,
    checkpoint: null,
    updatedAt: now,
  };
}

/** A conversation's title: the first line of its first message, cut to {@link TITLE_CHARS}. */
function titleOf(content: string): string {
  const line = content.split('\n')[0]!.trim();
  return line.length > TITLE_CHARS ? `${line.slice(0, TITLE_CHARS - 1)}…` : line;
}
