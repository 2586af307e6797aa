import { StepRunSchema } from './entities/step-run.entity.js';
import { WorkflowRunSchema } from './entities/workflow-run.entity.js';
import type { EngineResources } from '../resources.js';

// Step history for the intelligence modules (learned estimates, the optimizer): what completed
// step attempts took, with the pattern of their run. The averaging stays in intelligence/.

/**
 * A completed step attempt from history, with the pattern of the run it belonged to. Only
 * COMPLETED attempts are used: a failed attempt was cut off (by a cap, a limit or an error),
 * so its tokens, turns and cost understate what the work takes.
 */
export interface CompletedStep {
  name: string;
  modelId: string | null;
  runtimeId: string | null;
  /** Pattern of the run's definition snapshot. */
  pattern: string;
  inputTokens: number;
  outputTokens: number;
  turns: number;
  /** ms; null when the attempt recorded no timing. */
  durationMs: number | null;
  costUsd: number;
  /** Epoch ms. */
  finishedAt: number;
}

/** Most rows read per call; the newest win. Enough for many keys at the per-key window below. */
export const HISTORY_ROW_LIMIT = 5000;

/**
 * Completed step attempts whose name is in `names` or model is in `modelIds` (either filter may
 * be omitted), newest first, at most {@link HISTORY_ROW_LIMIT}. Two queries: the step rows, then
 * their runs' definition snapshots for the pattern.
 */
export async function loadCompletedSteps(resources: Pick<EngineResources, 'orm'>, filter: { names?: string[]; modelIds?: string[] }): Promise<CompletedStep[]> {
  const where: Record<string, unknown> = { status: 'COMPLETED' };
  if (filter.names) where.name = { $in: [...new Set(filter.names)] };
  if (filter.modelIds) where.modelId = { $in: [...new Set(filter.modelIds)] };
  if ((filter.names && filter.names.length === 0) || (filter.modelIds && filter.modelIds.length === 0)) return [];
  const em = resources.orm.em.fork();
  const rows = await em.find(StepRunSchema, where, { orderBy: { finishedAt: 'desc', id: 'asc' }, limit: HISTORY_ROW_LIMIT });
  if (rows.length === 0) return [];
  const runIds = [...new Set(rows.map((r) => r.runId))];
  const runs = await em.find(WorkflowRunSchema, { id: { $in: runIds } }, { fields: ['id', 'definition'] });
  const patternOf = new Map(runs.map((r) => [r.id, r.definition?.pattern ?? ''] as const));
  return rows.map((r) => ({
    name: r.name,
    modelId: r.modelId ?? null,
    runtimeId: r.runtimeId ?? null,
    pattern: patternOf.get(r.runId) ?? '',
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    turns: r.turns,
    durationMs: r.durationMs ?? (r.startedAt != null && r.finishedAt != null ? r.finishedAt - r.startedAt : null),
    costUsd: r.costMicros / 1_000_000,
    finishedAt: r.finishedAt ?? r.updatedAt,
  }));
}
