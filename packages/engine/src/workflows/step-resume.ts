import type { StepRun } from '../db/entities/step-run.entity.js';
import { latestStepJournal, toolCallsOfTurn } from '../db/tool-call-store.js';
import type { EngineResources } from '../resources.js';
import type { ToolDecision } from '../runtimes/runtime.js';
import type { StepResume } from './step-runner.js';

/**
 * Where a step attempt that stopped for tool approvals goes on from: its latest journal entry
 * and the decisions on that turn's calls. 'waiting' while any call still waits for a person;
 * undefined when the attempt has no journal (it never stopped for a tool).
 */
export async function stepResume(resources: EngineResources, row: Pick<StepRun, 'id' | 'resumedFromId'>): Promise<StepResume | 'waiting' | undefined> {
  // A resumed attempt of a failed step reads the old attempt's journal until it has one of its own.
  const journal = (await latestStepJournal(resources, row.id)) ?? (row.resumedFromId ? await latestStepJournal(resources, row.resumedFromId) : null);
  if (!journal) return undefined;
  const calls = await toolCallsOfTurn(resources, journal.stepRunId, journal.turn);
  if ([...calls.values()].some((c) => c.status === 'WAITING_APPROVAL')) return 'waiting';
  const decisions: Record<string, ToolDecision> = {};
  for (const [callId, call] of calls) {
    if (call.approval !== 'ASK') continue;
    decisions[callId] = { approved: call.status !== 'DENIED', comment: call.comment ?? null };
  }
  return {
    checkpoint: { turn: journal.turn, conversation: journal.conversation, output: journal.output, pendingCalls: journal.pendingCalls },
    decisions,
    calls,
  };
}
