import { StepRunSchema, type StepRun } from '../db/entities/step-run.entity.js';
import { insertRows } from '../db/direct-sql.js';
import { inSqlTransaction, inTransaction } from '../db/unit-of-work.js';
import { newId } from '../ids.js';
import type { EngineResources } from '../resources.js';
import type { DocumentContent } from '../documents/document-system.js';
import { createAgentTools } from '../runtimes/agent-tools.js';
import type { StepDefinition } from './definition.js';
import { effectiveStep, type EffectiveDefinition } from '../profiles/effective-step.js';
import { buildDocumentContext } from './document-context.js';
import type { PatternContext } from './patterns/pattern-context.js';
import { stepSystemPrompt, withDocuments } from './prompt-composer.js';
import { pendingStepFields, toStepRunView, transitionStepRow } from './run-store.js';
import type { StepOutcome, StepRunner } from './step-runner.js';
import { stepResume } from './step-resume.js';

/** The data one drive of a run works on. */
export interface RunData {
  workflowId: string;
  runId: string;
  /** The stored definition with each step merged with its agent profile (`profiles/effective-step.ts`). */
  definition: EffectiveDefinition;
  /** Latest attempt per `${stepId}:${iteration}`. */
  rows: Map<string, StepRun>;
  /** Documents per step id (global ∪ step-scoped, binding order). */
  documentsFor(stepId: string): DocumentContent[];
  /** Expected duration per step from history, ms. */
  expectedDurationMs(stepId: string): number | null;
}

const key = (stepId: string, iteration: number) => `${stepId}:${iteration}`;

/** Builds the {@link PatternContext} a pattern executor drives a run with. */
export function createPatternContext(resources: EngineResources, runner: StepRunner, data: RunData, signal: AbortSignal): PatternContext {
  const { workflowId, runId, definition } = data;
  // Pattern executors hand back the steps of `definition`, typed as plain steps: the merged ones by id.
  const merged = new Map(definition.steps.map((s) => [s.id, s]));
  const event = (row: StepRun, kind: 'STEP_WAITING_APPROVAL' | 'STEP_DELAYED' | 'STEP_COMPLETED', message: string) => ({
    kind,
    workflowId,
    runId,
    stepId: row.stepId,
    message,
    step: toStepRunView(row),
  });

  async function rowFor(step: StepDefinition, iteration: number): Promise<StepRun> {
    const existing = data.rows.get(key(step.id, iteration));
    if (existing) return existing;
    const now = resources.clock.now();
    const row = {
      id: newId(),
      createdAt: now,
      runId,
      workflowId,
      stepId: step.id,
      stepIndex: definition.steps.findIndex((s) => s.id === step.id),
      iteration,
      attempt: 1,
      name: iteration ? `${step.name} #${iteration}` : step.name,
      ...pendingStepFields(await runner.resolveCap(step, definition)),
      updatedAt: now,
    } as StepRun;
    await inSqlTransaction(resources, (uow) => insertRows(uow.sql, StepRunSchema, [row]));
    data.rows.set(key(step.id, iteration), row);
    return row;
  }

  async function runStep(step: StepDefinition, prompt: string, options: { iteration?: number; canFinish?: boolean } = {}): Promise<StepOutcome> {
    const row = await rowFor(step, options.iteration ?? 0);
    if (row.status === 'COMPLETED') return { status: 'COMPLETED', output: row.output ?? '', reused: true };
    if (signal.aborted) return { status: 'CANCELLED' };
    // A step that stopped (tool approvals, a cap) or a resumed attempt of a failed one goes on from its journal.
    const resuming = row.status === 'WAITING_APPROVAL' || row.status === 'PAUSED' || Boolean(row.resumedFromId);
    const resume = resuming ? await stepResume(resources, row) : undefined;
    if (resume === 'waiting') return { status: 'WAITING_APPROVAL' };
    const docs = data.documentsFor(step.id);
    const context = buildDocumentContext(docs);
    let signaledDone = false;
    const effective = merged.get(step.id) ?? effectiveStep(step, null);
    const granted = await runner.grantedTools(definition, effective);
    const tools = [...createAgentTools({ documents: docs, finish: options.canFinish }), ...granted.tools].map((tool) =>
      tool.endsTask ? { ...tool, run: async (input: Record<string, unknown>, s: AbortSignal) => ((signaledDone = true), tool.run(input, s)) } : tool,
    );
    const outcome = await runner.run({
      approvals: granted.approvals,
      resume,
      capUsd: resuming ? row.budgetUsd : null,
      workflowId,
      runId,
      definition,
      step: effective,
      row,
      signal,
      tools,
      systemPrompt: stepSystemPrompt(definition.name, step.name, docs.length > 0, effective.profile?.systemPrompt),
      prompt: withDocuments(context.text, prompt),
      documentCount: context.documentCount,
      estimatedDurationMs: data.expectedDurationMs(step.id),
    });
    return outcome.status === 'COMPLETED' ? { ...outcome, signaledDone } : outcome;
  }

  return {
    definition,
    config: definition.config,
    signal,
    now: () => resources.clock.now(),
    runStep,
    outputOf: (stepId, iteration = 0) => {
      const row = data.rows.get(key(stepId, iteration));
      return row?.status === 'COMPLETED' ? (row.output ?? '') : null;
    },
    async gate(step) {
      const row = await rowFor(step, 0);
      if (row.approvedAt) return 'approved';
      if (row.status !== 'PENDING') return 'approved';
      await inTransaction(resources, async (uow) => {
        await transitionStepRow(uow.sql, row, 'WAITING_APPROVAL', {}, resources.clock.now());
        uow.emit(event(row, 'STEP_WAITING_APPROVAL', `Step "${step.name}" waits for approval before it runs.`));
      });
      return 'parked';
    },
    async delay(step, ms) {
      const row = await rowFor(step, 0);
      const now = resources.clock.now();
      if (row.status === 'COMPLETED') return { done: true };
      if (row.status === 'DELAYED' && row.resumeAt !== null && row.resumeAt !== undefined && row.resumeAt <= now) {
        await inTransaction(resources, async (uow) => {
          const changes = { finishedAt: now, durationMs: now - (row.startedAt ?? now), output: '' };
          await transitionStepRow(uow.sql, row, 'COMPLETED', changes, now);
          Object.assign(row, changes);
          uow.emit(event(row, 'STEP_COMPLETED', `Delay "${step.name}" is over.`));
        });
        return { done: true };
      }
      if (row.status === 'DELAYED') return { done: false, resumeAt: row.resumeAt ?? now };
      const resumeAt = now + ms;
      await inTransaction(resources, async (uow) => {
        await transitionStepRow(uow.sql, row, 'DELAYED', { resumeAt, startedAt: now }, now);
        Object.assign(row, { resumeAt, startedAt: now });
        uow.emit(event(row, 'STEP_DELAYED', `Step "${step.name}" waits until ${new Date(resumeAt).toISOString()}.`));
      });
      return { done: false, resumeAt };
    },
    lastIteration: (stepId) => Math.max(0, ...[...data.rows.values()].filter((r) => r.stepId === stepId).map((r) => r.iteration)),
    loopStartedAt: (stepId) => data.rows.get(key(stepId, 1))?.startedAt ?? null,
  };
}
