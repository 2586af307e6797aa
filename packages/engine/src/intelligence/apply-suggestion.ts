import { NotApplicableError } from '../errors.js';
import type { SuggestionAction } from './intelligence-types.js';
import { WorkflowPattern, type WorkflowDefinitionInput } from '../workflows/definition.js';
import { configSchemaByPattern, MAX_BUDGET_USD, MAX_STEP_TURNS } from '../workflows/definition-schema.js';
import type { WorkflowView } from '../workflows/read-models.js';
import { effectiveDocuments, withDocuments } from './doc-bindings.js';
import { splitBlocker, splitStep } from './step-split.js';

/** Actions that change the definition (applied by {@link applySuggestionToInput}). */
export const DEFINITION_ACTIONS = ['SET_BUDGET', 'SET_RUNTIME', 'SET_PER_STEP_DOCS', 'SET_MAX_TURNS', 'SPLIT_STEP', 'CHANGE_PATTERN'] as const;
/** Actions that start work instead (the Engine routes them to retry / execute). */
export const RUN_ACTIONS = ['RETRY_STEP', 'RERUN_WORKFLOW', 'RESUME_STEP'] as const;

/** A validated run action. RESUME_STEP goes on from a paused step's journal with a new cap (USD). */
export type RunAction = { type: 'RETRY_STEP'; stepId: string } | { type: 'RERUN_WORKFLOW' } | { type: 'RESUME_STEP'; stepId: string; budgetUsd: number | null };

/** Whether an action starts work (RETRY_STEP, RERUN_WORKFLOW) rather than changing the definition. */
export function isRunAction(action: SuggestionAction): boolean {
  return (RUN_ACTIONS as readonly string[]).includes(action?.type);
}

/**
 * Validates a run action against the workflow: RETRY_STEP must name one of its steps. Throws
 * {@link NotApplicableError} (field `['action', ...]`) otherwise.
 */
export function parseRunAction(workflow: WorkflowView, action: SuggestionAction): RunAction {
  const payload = payloadOf(action);
  if (action.type === 'RERUN_WORKFLOW') return { type: 'RERUN_WORKFLOW' };
  if (action.type === 'RETRY_STEP') {
    const stepId = requireString(payload, 'stepId');
    if (!workflow.steps.some((s) => s.id === stepId)) throw bad(`Workflow "${workflow.name}" has no step "${stepId}".`, 'stepId');
    return { type: 'RETRY_STEP', stepId };
  }
  if (action.type === 'RESUME_STEP') {
    const stepId = requireString(payload, 'stepId');
    if (!workflow.steps.some((s) => s.id === stepId)) throw bad(`Workflow "${workflow.name}" has no step "${stepId}".`, 'stepId');
    const budget = payload.budgetUsd;
    if (budget !== undefined && budget !== null && typeof budget !== 'number') throw bad('budgetUsd must be a number of USD.', 'budgetUsd');
    return { type: 'RESUME_STEP', stepId, budgetUsd: (budget as number | null | undefined) ?? null };
  }
  throw new NotApplicableError(`"${String(action.type)}" is not a run action.`, ['action', 'type']);
}

/** The stored workflow as a definition input: bindings as global `documentIds` plus each step's own. */
export function toDefinitionInput(workflow: WorkflowView): WorkflowDefinitionInput {
  return {
    name: workflow.name,
    description: workflow.description,
    pattern: workflow.pattern,
    runtimeId: workflow.runtimeId,
    budgetUsd: workflow.budgetUsd,
    steps: workflow.steps.map((s) => ({
      id: s.id,
      name: s.name,
      prompt: s.prompt,
      runtimeId: s.runtimeId ?? null,
      modelId: s.modelId ?? null,
      budgetUsd: s.budgetUsd ?? null,
      maxTurns: s.maxTurns ?? null,
      tools: s.tools?.length ? s.tools.map((g) => ({ ...g })) : null,
      profileId: s.profileId ?? null,
      // The view carries step bindings twice (on the step and in `documents`); take both.
      documentIds: [...new Set([...(s.documentIds ?? []), ...workflow.documents.filter((d) => d.stepId === s.id).map((d) => d.documentId)])],
    })),
    documentIds: workflow.documents.filter((d) => d.stepId === null).map((d) => d.documentId),
    config: structuredClone(workflow.config),
    tools: workflow.tools?.length ? workflow.tools.map((g) => ({ ...g })) : null,
  };
}

/**
 * Applies a definition-changing suggestion action and returns the new definition input; the
 * Engine then validates and stores it exactly as `updateWorkflow` does. Payloads:
 * - `SET_BUDGET {stepId?: string|null, budgetUsd}`: the step's cap, or the workflow's when stepId is null (USD, above 0 and at most {@link MAX_BUDGET_USD}).
 * - `SET_RUNTIME {stepId?: string|null, runtimeId}`: the step's runtime, or the workflow's when stepId is null.
 * - `SET_PER_STEP_DOCS {stepId, documentIds}` or `{bindings: [{stepId, documentIds}]}`: each named step then receives exactly those documents; other steps keep what they receive.
 * - `SET_MAX_TURNS {stepId, maxTurns}`: 1 to {@link MAX_STEP_TURNS} turns.
 * - `SPLIT_STEP {stepId}`: see {@link splitStep}.
 * - `CHANGE_PATTERN {pattern}`: config keys the new pattern does not accept are dropped.
 * Throws {@link NotApplicableError} with field `['action', 'payload', ...]` (or `['action', 'type']`).
 */
export function applySuggestionToInput(workflow: WorkflowView, action: SuggestionAction): WorkflowDefinitionInput {
  const input = toDefinitionInput(workflow);
  const payload = payloadOf(action);
  switch (action.type) {
    case 'SET_BUDGET': {
      const budgetUsd = requireNumber(payload, 'budgetUsd', (v) => v > 0 && v <= MAX_BUDGET_USD, `between 0 and ${MAX_BUDGET_USD} USD`);
      return optionalStep(
        input,
        payload,
        (s) => ({ ...s, budgetUsd }),
        (i) => ({ ...i, budgetUsd }),
      );
    }
    case 'SET_RUNTIME': {
      const runtimeId = requireString(payload, 'runtimeId');
      return optionalStep(
        input,
        payload,
        (s) => ({ ...s, runtimeId }),
        (i) => ({ ...i, runtimeId }),
      );
    }
    case 'SET_MAX_TURNS': {
      const maxTurns = requireNumber(
        payload,
        'maxTurns',
        (v) => Number.isInteger(v) && v >= 1 && v <= MAX_STEP_TURNS,
        `a whole number from 1 to ${MAX_STEP_TURNS}`,
      );
      const index = stepIndex(input, requireString(payload, 'stepId'));
      return { ...input, steps: input.steps.map((s, i) => (i === index ? { ...s, maxTurns } : s)) };
    }
    case 'SET_PER_STEP_DOCS':
      return applyDocuments(input, payload);
    case 'SPLIT_STEP': {
      const stepId = requireString(payload, 'stepId');
      stepIndex(input, stepId);
      const blocker = splitBlocker(input, stepId);
      if (blocker) throw bad(blocker, 'stepId');
      return splitStep(input, stepId);
    }
    case 'CHANGE_PATTERN':
      return changePattern(input, payload);
    case 'RETRY_STEP':
    case 'RERUN_WORKFLOW':
    case 'RESUME_STEP':
      throw new NotApplicableError(`${action.type} starts work and does not change the definition.`, ['action', 'type']);
    default:
      throw new NotApplicableError(`Unknown action type "${String(action?.type)}". Known: ${[...DEFINITION_ACTIONS, ...RUN_ACTIONS].join(', ')}.`, [
        'action',
        'type',
      ]);
  }
}

type StepInput = WorkflowDefinitionInput['steps'][number];

function optionalStep(
  input: WorkflowDefinitionInput,
  payload: Record<string, unknown>,
  onStep: (s: StepInput) => StepInput,
  onWorkflow: (i: WorkflowDefinitionInput) => WorkflowDefinitionInput,
): WorkflowDefinitionInput {
  if (payload.stepId === undefined || payload.stepId === null) return onWorkflow(input);
  const index = stepIndex(input, requireString(payload, 'stepId'));
  return { ...input, steps: input.steps.map((s, i) => (i === index ? onStep(s) : s)) };
}

function applyDocuments(input: WorkflowDefinitionInput, payload: Record<string, unknown>): WorkflowDefinitionInput {
  const entries: unknown[] = Array.isArray(payload.bindings) ? payload.bindings : payload.bindings === undefined ? [payload] : [];
  if (entries.length === 0) throw bad('Give "bindings" as a non-empty list of {stepId, documentIds}.', 'bindings');
  const perStep = effectiveDocuments(input);
  entries.forEach((entry, n) => {
    const path = Array.isArray(payload.bindings) ? ['bindings', n] : [];
    if (entry === null || typeof entry !== 'object') throw bad('Each binding is an object {stepId, documentIds}.', ...path);
    const record = entry as Record<string, unknown>;
    const stepId = requireString(record, 'stepId', path);
    stepIndex(input, stepId, path);
    const ids = record.documentIds;
    if (!Array.isArray(ids) || ids.some((d) => typeof d !== 'string' || d === ''))
      throw bad('documentIds must be a list of document ids.', ...path, 'documentIds');
    perStep.set(stepId, [...new Set(ids as string[])]);
  });
  return withDocuments(input, perStep);
}

function changePattern(input: WorkflowDefinitionInput, payload: Record<string, unknown>): WorkflowDefinitionInput {
  const pattern = requireString(payload, 'pattern');
  if (!(Object.values(WorkflowPattern) as string[]).includes(pattern))
    throw bad(`Unknown pattern "${pattern}". Known: ${Object.values(WorkflowPattern).join(', ')}.`, 'pattern');
  if (pattern === input.pattern) throw bad(`The workflow already uses ${pattern}.`, 'pattern');
  const accepted = new Set(Object.keys(configSchemaByPattern[pattern as WorkflowPattern].shape));
  const old = (input.config ?? {}) as Record<string, unknown>;
  const config = Object.fromEntries(Object.entries(old).filter(([k]) => accepted.has(k)));
  return { ...input, pattern, config };
}

function payloadOf(action: SuggestionAction): Record<string, unknown> {
  if (action === null || typeof action !== 'object' || typeof action.type !== 'string')
    throw new NotApplicableError('An action needs a string "type".', ['action', 'type']);
  const payload = action.payload ?? {};
  if (typeof payload !== 'object' || Array.isArray(payload)) throw new NotApplicableError('The action payload must be an object.', ['action', 'payload']);
  return payload;
}

function bad(message: string, ...path: (string | number)[]): NotApplicableError {
  return new NotApplicableError(message, ['action', 'payload', ...path]);
}

function requireString(payload: Record<string, unknown>, key: string, path: (string | number)[] = []): string {
  const value = payload[key];
  if (typeof value !== 'string' || value.trim() === '') throw bad(`"${key}" must be a non-empty string.`, ...path, key);
  return value;
}

function requireNumber(payload: Record<string, unknown>, key: string, ok: (v: number) => boolean, range: string): number {
  const value = payload[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) throw bad(`"${key}" must be ${range}.`, key);
  return value;
}

function stepIndex(input: WorkflowDefinitionInput, stepId: string, path: (string | number)[] = []): number {
  const index = input.steps.findIndex((s) => s.id === stepId);
  if (index < 0) throw bad(`The workflow has no step "${stepId}".`, ...path, 'stepId');
  return index;
}
