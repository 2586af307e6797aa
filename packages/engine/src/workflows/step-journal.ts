import { insertStepJournal, updateStepJournal } from '../db/tool-call-store.js';
import type { SqlExecutor } from '../db/sql-executor.js';
import { ConflictError } from '../errors.js';
import { newId } from '../ids.js';
import type { TurnCheckpoint } from '../runtimes/runtime.js';
import { formatCount } from '../format/index.js';

/**
 * The turn journal of one step attempt: after every model call, where its loop stands (the
 * conversation in the adapter's wire format with the model's turn in it, the output so far, the
 * turn's tool calls still to run) is written in the transaction that records the call's usage;
 * after the turn's tools ran, the same entry is brought up to date. Keyed by (step attempt,
 * turn): a second executor writing a turn that was written already is refused by the insert and
 * stops (its usage transaction rolls back). A resume, a restart or an approval goes on from the
 * latest entry, so no finished turn is paid for twice.
 */
export class StepJournal {
  constructor(
    private readonly stepRunId: string,
    /** Setting journal.maxBytesPerStep. */
    private readonly maxBytes: number,
  ) {}

  /** The write of a turn's entry, or why it cannot be kept (the conversation grew past the limit). */
  turnCompleted(checkpoint: TurnCheckpoint, now: number): { write(sql: SqlExecutor): Promise<void> } | { tooLarge: string } {
    const conversation = JSON.stringify(checkpoint.conversation ?? null);
    if (conversation.length > this.maxBytes)
      return {
        tooLarge: `This step's conversation reached ${formatCount(conversation.length)} bytes after turn ${checkpoint.turn}, past the turn journal's limit of ${formatCount(this.maxBytes)} (setting journal.maxBytesPerStep); it stops rather than go on unjournaled. Split the step or raise the setting.`,
      };
    const row = {
      id: newId(),
      createdAt: now,
      stepRunId: this.stepRunId,
      turn: checkpoint.turn,
      conversation: checkpoint.conversation,
      output: checkpoint.output,
      pendingCalls: checkpoint.pendingCalls,
    };
    return {
      write: async (sql) => {
        if (!(await insertStepJournal(sql, row)))
          throw new ConflictError(`Turn ${row.turn} of this step attempt was journaled by another executor; this one stops so the turn is not paid twice.`);
      },
    };
  }

  /** The write that brings a turn's entry up to date once its tool results joined the history. */
  toolsDone(checkpoint: TurnCheckpoint): (sql: SqlExecutor) => Promise<void> {
    return (sql) =>
      updateStepJournal(sql, this.stepRunId, checkpoint.turn, { conversation: checkpoint.conversation, output: checkpoint.output, pendingCalls: [] });
  }
}
