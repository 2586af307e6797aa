import {
  addConversationSpend,
  findConversationRow,
  messageRowIn,
  messageRowsOf,
  storeAssistantEvents,
  toolCallRowsOfConversations,
  transitionAssistantMessageRow,
  updateMessageRow,
} from '../db/assistant-store.js';
import type { AssistantMessageRow } from '../db/entities/assistant-message.entity.js';
import { insertToolCallRows } from '../db/tool-call-store.js';
import type { SqlExecutor } from '../db/sql-executor.js';
import { newId } from '../ids.js';
import type { EngineResources } from '../resources.js';
import { ToolRunFailure } from '../runtimes/tool-turn.js';
import type { AgentTool, RuntimeRequest } from '../runtimes/runtime.js';
import type { SettingsSystem } from '../settings/settings-system.js';
import type { TaskEnd, TaskRunner } from '../tasks/task-runner.js';
import { ToolCallRecorder, waitingToolCallRows } from '../tools/tool-call-recorder.js';
import { toToolCallView } from '../tools/tool-call-view.js';
import { formatUsd } from '../format/index.js';
import { assistantSystemPrompt, conversationPrompt, type RecalledMessage } from './assistant-context.js';
import { toPending, type AssistantEventHub, type NewAssistantEvent } from './assistant-events.js';
import { AssistantTracker } from './assistant-tracker.js';
import { callsByMessage } from './assistant-views.js';

/** What a tool does to the user's project: `read` runs at once, the others wait for approval unless auto-approved. */
export type AssistantToolEffect = 'read' | 'change' | 'delete' | 'spend';

/** One tool of the assistant as the API layer gives it: a GraphQL operation run with the caller's context. */
export interface AssistantTool {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  effect: AssistantToolEffect;
  /** Runs the operation; a failure says what the API said (field path and code), for the model to correct itself. */
  run(input: Record<string, unknown>): Promise<{ ok: true; data: unknown } | { ok: false; error: string }>;
}

/** The caller's tools, built by the API layer for each answer (so they run with that caller's context). */
export type AssistantToolset = () => readonly AssistantTool[];

/** Largest tool result the model receives when setting tools.maxResultChars is unset, characters. */
const DEFAULT_RESULT_CHARS = 20_000;

/**
 * Writes one assistant answer: builds the prompt (the conversation cut to its token budget) and
 * the system prompt (live catalog and settings) anew, runs it as a task (kind ASSISTANT: ledger,
 * caps and daily cap like every task), and records how it ended in one transaction with the
 * task's end: completed, failed with why, or waiting for the approval of its tool calls with its
 * checkpoint stored, from which {@link AnswerWriter.write} goes on after the decisions.
 */
export class AnswerWriter {
  /** Answers being written in this process, by message id: deleting a conversation stops its answer. */
  readonly running = new Map<string, AbortController>();
  private readonly writing = new Set<Promise<void>>();

  constructor(
    private readonly resources: EngineResources,
    private readonly tasks: TaskRunner,
    private readonly settings: SettingsSystem,
    private readonly hub: AssistantEventHub,
  ) {}

  /** Starts writing (or going on with, after approvals) the answer `message`, which is STREAMING, in the background. */
  start(message: AssistantMessageRow, toolset: AssistantToolset, resume?: RuntimeRequest['resume']): void {
    const done = this.write(message, toolset, resume);
    this.writing.add(done);
    void done.finally(() => this.writing.delete(done));
  }

  /** Stops every answer being written (each ends FAILED, saying so) and waits for them. */
  async stop(): Promise<void> {
    for (const controller of this.running.values()) controller.abort('cancelled');
    await Promise.all([...this.writing]);
  }

  /** Writes the answer. Never throws: a failure ends the message FAILED. */
  private async write(message: AssistantMessageRow, toolset: AssistantToolset, resume?: RuntimeRequest['resume']): Promise<void> {
    const controller = new AbortController();
    this.running.set(message.id, controller);
    try {
      const conversation = await findConversationRow(this.resources, message.conversationId);
      if (!conversation) return;
      const rows = await messageRowsOf(this.resources, [conversation.id]);
      const calls = await toolCallRowsOfConversations(this.resources, [conversation.id]);
      const index = rows.findIndex((r) => r.id === message.id);
      const question = rows[index - 1];
      const byMessage = callsByMessage(rows, calls);
      const history: RecalledMessage[] = rows.slice(0, Math.max(0, index - 1)).map((r) => ({
        role: r.role as 'user' | 'assistant',
        content: r.content,
        toolCalls: byMessage.get(r.id) ?? [],
      }));
      const model = message.modelId!;
      const budget = (await this.settings.get<number>('assistant.maxContextTokens')) ?? 24_000;
      const { prompt } = conversationPrompt(history, question?.content ?? '', budget, model);
      const system = assistantSystemPrompt({
        runtimes: await this.resources.catalog.describeAll(),
        settings: await this.settings.list(),
        now: this.resources.clock.now(),
      });
      const existing = new Map(calls.filter((c) => c.taskId === message.taskId && resume).map((c) => [c.providerCallId, c]));
      let tracker: AssistantTracker | null = null;
      await this.tasks.run<AssistantTracker>({
        kind: 'ASSISTANT',
        owner: { workflowId: null, runId: null, stepRunId: null, stepId: null, scheduleId: null },
        runtimePreferences: [message.runtimeId],
        modelId: model,
        budget: { kind: 'standalone' },
        prompt,
        systemPrompt: () => system,
        tools: await this.agentTools(toolset),
        signal: controller.signal,
        resume,
        tracker: (started) =>
          (tracker = new AssistantTracker(
            this.resources,
            { taskId: started.taskId, runtimeId: started.runtimeId, workflowId: null, runId: null, stepId: null },
            started.caps,
            this.hub,
            {
              id: message.id,
              conversationId: message.conversationId,
              contentBefore: resume?.output ?? '',
              inputTokensBefore: message.inputTokens ?? 0,
              outputTokensBefore: message.outputTokens ?? 0,
              costMicrosBefore: message.costMicros ?? 0,
            },
            new ToolCallRecorder(
              { workflowId: null, runId: null, stepId: null, stepRunId: null, conversationId: message.conversationId, taskId: started.taskId },
              new Map(),
              existing,
            ),
          )),
        onStart: async (uow, started) => {
          await updateMessageRow(uow.sql, message.id, { taskId: started.taskId, updatedAt: started.startedAt });
        },
        onFinish: async (uow, end, _tracker, now) => {
          const events = await this.finish(uow.sql, message, end, tracker, now);
          await storeAssistantEvents(uow.sql, events.map(toPending), now, newId);
        },
      });
      this.hub.notify([message.conversationId]);
    } catch (error) {
      this.resources.logger.error('assistant answer failed', { messageId: message.id, error: error instanceof Error ? error.message : String(error) });
    } finally {
      this.running.delete(message.id);
    }
  }

  /** The caller's tools as agent tools: approval from the tool's effect and setting assistant.autoApprove, results cut for the model. */
  private async agentTools(toolset: AssistantToolset): Promise<AgentTool[]> {
    const autoApprove = new Set((await this.settings.get<string[]>('assistant.autoApprove')) ?? []);
    const maxChars = (await this.settings.get<number>('tools.maxResultChars')) ?? DEFAULT_RESULT_CHARS;
    return toolset().map((tool) => ({
      name: tool.name,
      description: tool.description,
      inputSchema: tool.inputSchema,
      approval: tool.effect === 'read' || autoApprove.has(tool.name) ? 'AUTO' : 'ASK',
      run: async (input) => {
        const outcome = await tool.run(input);
        if (!outcome.ok) throw new ToolRunFailure('FAILED', outcome.error);
        const text = JSON.stringify(outcome.data);
        return text.length > maxChars ? `${text.slice(0, maxChars)}\n[Cut at ${maxChars} characters of ${text.length} (setting tools.maxResultChars).]` : text;
      },
    }));
  }

  /** The message's end, in the task's final transaction; returns the events to store with it. A message deleted meanwhile is left alone. */
  private async finish(
    sql: SqlExecutor,
    message: AssistantMessageRow,
    end: TaskEnd,
    tracker: AssistantTracker | null,
    now: number,
  ): Promise<NewAssistantEvent[]> {
    const current = await messageRowIn(sql, message.id);
    if (!current) return [];
    const figures = tracker?.figures() ?? {
      inputTokens: message.inputTokens ?? 0,
      outputTokens: message.outputTokens ?? 0,
      costMicros: message.costMicros ?? 0,
      turns: 0,
    };
    const spent = tracker?.totals.costMicros ?? 0;
    if (spent > 0) await addConversationSpend(sql, message.conversationId, spent, now);
    const base = { conversationId: message.conversationId, messageId: message.id };
    const common = { ...figures, turns: end.turns, content: end.output, updatedAt: now, taskId: end.taskId ?? message.taskId };
    if (end.status === 'WAITING_APPROVAL' && end.parked) {
      const waiting = waitingToolCallRows(
        { workflowId: null, runId: null, stepId: null, stepRunId: null, conversationId: message.conversationId, taskId: end.taskId },
        end.parked,
        now,
      );
      await insertToolCallRows(sql, waiting);
      await transitionAssistantMessageRow(sql, message.id, 'STREAMING', 'WAITING_APPROVAL', { ...common, checkpoint: end.parked });
      return waiting.map((row) => ({
        ...base,
        kind: 'TOOL_CALL' as const,
        toolCall: toToolCallView(row),
        message: `${row.toolName} waits for your approval: approve or deny it to go on.`,
      }));
    }
    if (end.status === 'COMPLETED') {
      await transitionAssistantMessageRow(sql, message.id, 'STREAMING', 'COMPLETED', { ...common, checkpoint: null });
      return [
        {
          ...base,
          kind: 'MESSAGE_COMPLETED',
          message: `Answered in ${end.turns} turn${end.turns === 1 ? '' : 's'}: ${figures.inputTokens + figures.outputTokens} tokens, ${formatUsd(figures.costMicros / 1e6)}.`,
        },
      ];
    }
    const why = end.failure?.message ?? 'The answer stopped without saying why.';
    const error = end.status === 'CANCELLED' ? 'Stopped: the conversation was deleted or Stagent shut down.' : why;
    await transitionAssistantMessageRow(sql, message.id, 'STREAMING', 'FAILED', {
      ...common,
      checkpoint: null,
      error,
      failureCategory: end.failure?.category ?? null,
    });
    return [{ ...base, kind: 'MESSAGE_FAILED', message: error }];
  }
}
