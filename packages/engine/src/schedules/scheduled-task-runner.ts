import type { TaskRunner } from '../tasks/task-runner.js';
import type { FiringOutcome, ScheduledTaskInput } from './schedule-executor.js';

/**
 * The system prompt of a prompt firing: it states the task's real turn limit (the one the
 * runtime enforces, not a global default) and asks for batched work, the cheapest way to stay
 * inside it.
 */
export function scheduledTaskSystemPrompt(maxTurns: number): string {
  return [
    'You are running a scheduled task without a human watching.',
    `You have at most ${maxTurns} turns (model calls). Plan for that limit.`,
    'Batch your work: one search or query covering every item, never one tool call per item.',
  ].join('\n');
}

/**
 * Runs a schedule's prompt as one standalone task (`tasks.kind = SCHEDULE`) through the one
 * {@link TaskRunner}, exactly as a workflow step runs: runtime = schedule > setting
 * `routing.defaultRuntime` > first available; the cost cap from the one resolver (schedule
 * budget > setting > $2); the token and daily caps and the turn limit from settings; a ledger
 * row, the task's totals and the cap check per model call in one transaction.
 */
export class ScheduledTaskRunner {
  constructor(private readonly tasks: TaskRunner) {}

  async run(input: ScheduledTaskInput): Promise<FiringOutcome> {
    const end = await this.tasks.run({
      kind: 'SCHEDULE',
      owner: { workflowId: null, runId: null, stepRunId: null, stepId: null, scheduleId: input.scheduleId },
      runtimePreferences: [input.runtimeId],
      budget: { stepBudgetUsd: input.budgetUsd, kind: 'standalone' },
      prompt: input.prompt,
      systemPrompt: (caps) => scheduledTaskSystemPrompt(caps.maxTurns),
      tools: [],
      signal: input.signal,
    });
    // A firing has no tools and its caps fail rather than pause, so it neither waits nor pauses.
    return {
      status: end.status === 'WAITING_APPROVAL' || end.status === 'PAUSED' ? 'FAILED' : end.status,
      turns: end.turns,
      failureCategory: end.failure?.category ?? null,
      error: end.failure?.message ?? null,
      taskId: end.taskId,
    };
  }
}
