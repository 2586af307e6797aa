import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { baseProperties, p } from './base.js';

/**
 * Where a step attempt's agent loop stood after a turn: the adapter's wire-format conversation,
 * the output so far and the tool calls of that turn that have not run yet. Written when a step
 * stops to wait (an approval) and read when it goes on, so earlier turns are never paid again.
 * One row per (step attempt, turn): a second writer of the same turn is refused by the index.
 */
export const StepJournalSchema = defineEntity({
  name: 'StepJournalRow',
  tableName: 'step_journals',
  properties: {
    ...baseProperties,
    stepRunId: p.string(),
    turn: p.integer(),
    /** The adapter's conversation (provider wire format), JSON. */
    conversation: p.json<unknown>(),
    output: p.text(),
    /** The turn's tool calls still to run, in the model's order: `{ id, name, input }`. */
    pendingCalls: p.json<{ id: string; name: string; input: Record<string, unknown> }[]>(),
  },
  uniques: [{ properties: ['stepRunId', 'turn'] }],
});
export type StepJournalRow = InferEntity<typeof StepJournalSchema>;
