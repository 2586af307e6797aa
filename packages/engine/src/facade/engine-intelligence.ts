import type { EngineResources } from '../resources.js';
import type { DocumentSystem } from '../documents/document-system.js';
import type { RunReader } from './engine-runs.js';
import type { WorkflowSystem } from '../workflows/workflow-system.js';
import type { RunFinished } from '../workflows/run-executor.js';
import type { StepDefinition, WorkflowDefinition, WorkflowDefinitionInput } from '../workflows/definition.js';
import type { WorkflowView } from '../workflows/read-models.js';
import type { CostEstimate } from '../budget/cost-estimate-types.js';
import type { StepExpectation } from '../workflows/cost-estimate.js';
import type { DebugAnalysis, ExecutionStatsView, OptimizationSuggestion, SuggestionAction } from '../intelligence/intelligence-types.js';
import { listEvents } from '../db/event-store.js';
import { analyzeRun } from '../intelligence/debug-analysis.js';
import { listExecutionStats, recordRunOutcome, retractRunOutcome, type RunOutcome } from '../intelligence/execution-stats.js';
import { learnedStepExpectations, expectationKey } from '../intelligence/learned-estimates.js';
import { optimize } from '../intelligence/optimizer.js';
import { loadOptimizerHistory } from '../intelligence/optimizer-history.js';
import { applySuggestionToInput, isRunAction, parseRunAction, type RunAction } from '../intelligence/apply-suggestion.js';
import { NotFoundError, WorkflowNotFoundError } from '../errors.js';

/**
 * Connects the intelligence modules to the engine: stats are folded in when a run finishes,
 * estimates learn from history, and the facade's debug / optimize / apply calls land here.
 */
export class EngineIntelligence {
  constructor(
    private readonly resources: EngineResources,
    private readonly workflows: WorkflowSystem,
    private readonly runs: RunReader,
    private readonly documents: DocumentSystem,
  ) {}

  /** Folds a finished run into the execution stats, inside the run's final transaction. */
  async recordRun(info: RunFinished): Promise<void> {
    await recordRunOutcome(info.sql, outcomeOf(info));
  }

  /** Takes a failed run's outcome back out of the stats when a retry re-opens it (a run counts once). */
  async retractRun(info: RunFinished): Promise<void> {
    await retractRunOutcome(info.sql, outcomeOf(info));
  }

  /** Learned expectations per `${stepName}\0${modelId}` for the steps of one or more definitions (two queries). */
  async expectations(
    definitions: WorkflowDefinition[],
    runtimeOf: (definition: WorkflowDefinition, s: StepDefinition) => Promise<string>,
  ): Promise<Map<string, StepExpectation>> {
    const keys: { stepName: string; modelId: string; pattern: string }[] = [];
    for (const definition of definitions)
      for (const step of definition.steps) {
        const runtimeId = await runtimeOf(definition, step);
        const modelId = await this.resources.catalog.resolveModel(runtimeId, step.modelId).catch(() => null);
        if (modelId) keys.push({ stepName: step.name, modelId, pattern: definition.pattern });
      }
    const out = new Map<string, StepExpectation>();
    if (keys.length === 0) return out;
    const learned = await learnedStepExpectations(this.resources, keys);
    for (const k of keys) {
      const e = learned.get(expectationKey(k));
      if (e && e.samples > 0) out.set(`${k.pattern}\u0000${k.stepName}\u0000${k.modelId}`, e);
    }
    return out;
  }

  /** Expected duration per step id from comparable history (live "elapsed vs estimate"). */
  async expectedDurations(definition: WorkflowDefinition): Promise<Map<string, number>> {
    const keys = definition.steps.map((s) => ({ stepName: s.name, modelId: s.modelId ?? '', pattern: definition.pattern }));
    const learned = keys.some((k) => k.modelId)
      ? await learnedStepExpectations(
          this.resources,
          keys.filter((k) => k.modelId),
        )
      : new Map();
    const out = new Map<string, number>();
    definition.steps.forEach((s, i) => {
      const e = learned.get(expectationKey(keys[i]!));
      if (e?.durationMs) out.set(s.id, e.durationMs);
    });
    return out;
  }

  async debugAnalysis(workflowId: string, runId: string | null): Promise<DebugAnalysis | null> {
    const workflow = await this.workflows.get(workflowId);
    if (!workflow) throw new WorkflowNotFoundError(workflowId, ['workflowId']);
    const id = runId ?? workflow.latestRunId;
    if (!id) return null;
    const run = await this.runs.get(id);
    if (!run || run.workflowId !== workflowId) throw new NotFoundError('Run', id, ['runId']);
    const events = await listEvents(this.resources, workflowId, { runId: id });
    return analyzeRun({ workflow, run, events });
  }

  async optimize(
    input: WorkflowDefinitionInput,
    workflowId: string | null,
    estimate: (i: WorkflowDefinitionInput) => Promise<CostEstimate>,
  ): Promise<OptimizationSuggestion[]> {
    if (workflowId && !(await this.workflows.get(workflowId))) throw new WorkflowNotFoundError(workflowId, ['workflowId']);
    const costEstimate = await estimate(input); // validates the input (field errors) first
    const ids = [...new Set([...(input.documentIds ?? []), ...input.steps.flatMap((s) => s.documentIds ?? [])])];
    const documents = await this.documents.contents(ids);
    const history = await loadOptimizerHistory(this.resources, input, { defaultRuntimeId: input.runtimeId ?? null });
    return optimize({ definition: input, documents, history, estimate: costEstimate });
  }

  executionStats(): Promise<ExecutionStatsView[]> {
    return listExecutionStats(this.resources);
  }

  /** The run action an action stands for, or null when it changes the definition. */
  runAction(workflow: WorkflowView, action: SuggestionAction): RunAction | null {
    return isRunAction(action) ? parseRunAction(workflow, action) : null;
  }

  applyToInput(workflow: WorkflowView, action: SuggestionAction): WorkflowDefinitionInput {
    return applySuggestionToInput(workflow, action);
  }
}

/** The stats sample of a finished run; built the same way when recording and when retracting. */
function outcomeOf(info: RunFinished): RunOutcome {
  const ran = info.steps.filter((s) => s.status !== 'SKIPPED');
  return {
    pattern: info.definition.pattern,
    stepCount: info.definition.steps.length,
    succeeded: info.status === 'COMPLETED',
    failureCategory: info.status === 'COMPLETED' ? null : info.failureCategory,
    costUsd: info.steps.reduce((sum, s) => sum + s.costMicros, 0) / 1e6,
    durationMs: info.durationMs,
    docsPerStep: ran.length ? ran.reduce((n, s) => n + s.documentCount, 0) / ran.length : 0,
    runtimeIds: [...new Set(info.steps.map((s) => s.runtimeId).filter((r): r is string => Boolean(r)))],
    now: info.now,
  };
}
