import { storeAssistantEvents, updateMessageRow } from '../db/assistant-store.js';
import type { SqlUnitOfWork } from '../db/unit-of-work.js';
import { newId } from '../ids.js';
import type { EngineResources } from '../resources.js';
import type { TaskCaps } from '../budget/cap-check.js';
import type { ToolCallRequest, ToolOutcomeStatus } from '../runtimes/runtime.js';
import { TaskTracker, zeroSpend, type TaskLedgerIds } from '../tasks/task-tracker.js';
import type { ToolCallRecorder } from '../tools/tool-call-recorder.js';
import { toPending, type AssistantEventHub, type NewAssistantEvent } from './assistant-events.js';

/** The message an answer writes, as it stood when this task began. */
export interface AnswerMessage {
  id: string;
  conversationId: string;
  /** Text written before this task (a resumed answer's output so far). */
  contentBefore: string;
  /** Figures of the tasks that wrote it before (tokens, micro-USD, turns). */
  inputTokensBefore: number;
  outputTokensBefore: number;
  costMicrosBefore: number;
}

/**
 * The runtime hooks of an assistant answer: the ledger, totals and caps of every task
 * ({@link TaskTracker}), plus the answer's own record: streamed text, as the task tracker
 * coalesces it, into TEXT_DELTA events and the message's content, each tool call's
 * row (with its conversation) and TOOL_CALL / TOOL_RESULT events, and the message's tokens and
 * cost with each model call. Events are stored in the same transaction as the writes they
 * describe and announced after it commits.
 */
export class AssistantTracker extends TaskTracker {
  /** Events of the batch being written. */
  private batchEvents: NewAssistantEvent[] = [];
  private stored = false;

  constructor(
    resources: EngineResources,
    ids: TaskLedgerIds,
    caps: TaskCaps,
    private readonly hub: AssistantEventHub,
    private readonly message: AnswerMessage,
    private readonly calls: ToolCallRecorder,
  ) {
    super(resources, ids, caps, zeroSpend());
  }

  /** The answer's text so far, across the tasks that wrote it. */
  get content(): string {
    return this.message.contentBefore + this.output;
  }

  /** The message's figures after this task's calls so far. */
  figures(): { inputTokens: number; outputTokens: number; costMicros: number; turns: number } {
    return {
      inputTokens: this.message.inputTokensBefore + this.totals.inputTokens,
      outputTokens: this.message.outputTokensBefore + this.totals.outputTokens,
      costMicros: this.message.costMicrosBefore + this.totals.costMicros,
      turns: this.turns,
    };
  }

  override onToolStart(call: ToolCallRequest): void {
    super.onToolStart(call);
    const change = this.calls.started(call, this.turns, this.resources.clock.now());
    void this.enqueue(async (uow) => {
      await change.write(uow.sql);
      this.batchEvents.push(this.event('TOOL_CALL', { toolCall: change.view, message: `Calling ${call.name}.` }));
    });
  }

  override onToolFinish(call: ToolCallRequest, result: string, status: ToolOutcomeStatus): void {
    super.onToolFinish(call, result, status);
    const change = this.calls.finished(call, this.turns, result, status, this.resources.clock.now());
    const message =
      status === 'SUCCEEDED'
        ? `${call.name} returned ${result.length} characters.`
        : status === 'DENIED'
          ? `${call.name} was refused; the model was told.`
          : `${call.name} ${status === 'TIMED_OUT' ? 'timed out' : 'failed'}: ${result.slice(0, 300)}`;
    void this.enqueue(async (uow) => {
      await change.write(uow.sql);
      this.batchEvents.push(this.event('TOOL_RESULT', { toolCall: change.view, message }));
    });
  }

  /** The message's figures, in the call's transaction. */
  protected override usageReported(): (uow: SqlUnitOfWork) => Promise<void> {
    const figures = this.figures();
    return (uow) => updateMessageRow(uow.sql, this.message.id, { ...figures, updatedAt: this.resources.clock.now() });
  }

  protected override async batchWritten(uow: SqlUnitOfWork): Promise<void> {
    const events = this.batchEvents.splice(0);
    this.stored = events.length > 0;
    if (events.length) await storeAssistantEvents(uow.sql, events.map(toPending), this.resources.clock.now(), newId);
  }

  protected override batchCommitted(): void {
    if (this.stored) this.hub.notify([this.message.conversationId]);
  }

  private event(kind: NewAssistantEvent['kind'], fields: Partial<NewAssistantEvent>): NewAssistantEvent {
    return { kind, conversationId: this.message.conversationId, messageId: this.message.id, ...fields };
  }

  protected override outputFlushed(text: string): void {
    const content = this.content;
    void this.enqueue(async (uow) => {
      await updateMessageRow(uow.sql, this.message.id, { content, updatedAt: this.resources.clock.now() });
      this.batchEvents.push(this.event('TEXT_DELTA', { textDelta: text }));
    });
  }
}
