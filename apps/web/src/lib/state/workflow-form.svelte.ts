import { formatQuantity } from '@stagent/engine/format';
import { PATTERN_STEP_COUNTS } from '@stagent/engine/pattern-shape';
import type { UserError } from '$lib/services/operation';
import type { WorkflowDefinitionInput, WorkflowDetail } from '$lib/graphql/workflow';

export const PATTERNS = ['SEQUENCE', 'PARALLEL', 'CHECKPOINT', 'LOOP', 'SWARM', 'PLANNER_EXECUTOR'] as const;
export type Pattern = (typeof PATTERNS)[number];

/** `PLANNER_EXECUTOR` → `planner executor`, as the pattern picker shows it. */
export const patternLabel = (pattern: string): string => pattern.replace('_', ' ').toLowerCase();

export const TOOL_APPROVALS = ['AUTO', 'ASK', 'DENY'] as const;
export type ToolApproval = (typeof TOOL_APPROVALS)[number];

/** One tool grant as edited: a qualified tool name or a glob, and what its calls need. */
export interface GrantDraft {
  tool: string;
  approval: ToolApproval;
}

/** A form holding lists of grants (a workflow's, a step's, a profile's), as the grants editor uses it. */
export interface GrantsForm {
  /** The server's message for a field path such as `tools.1.tool`. */
  errorFor(path: string): string | undefined;
  addGrant(list: GrantDraft[], approval?: ToolApproval): void;
  removeGrant(list: GrantDraft[], index: number): void;
  moveGrant(list: GrantDraft[], index: number, delta: -1 | 1): void;
}

/** One step as edited: budgets stay strings while typed, ids are stable across edits. */
export interface StepDraft {
  id: string;
  name: string;
  prompt: string;
  runtimeId: string;
  modelId: string;
  budgetUsd: string;
  documentIds: string[];
  /** Read before the workflow's grants; the first grant that matches a tool decides. */
  tools: GrantDraft[];
  /** Not edited here: kept as loaded so a save does not drop it. */
  maxTurns: number | null;
  /** Agent profile whose presets fill what the step leaves empty; '' = none. */
  profileId: string;
  /** Not edited here: kept as loaded so a save does not drop the folder an agent CLI works in. */
  workingDirectory: string | null;
}

export interface SuggestionActionLike {
  type: string;
  payload: unknown;
}

function blankStep(id: string, index: number): StepDraft {
  return {
    id,
    name: `Step ${index}`,
    prompt: '',
    runtimeId: '',
    modelId: '',
    budgetUsd: '',
    documentIds: [],
    tools: [],
    maxTurns: null,
    profileId: '',
    workingDirectory: null,
  };
}

export function grantDrafts(grants: readonly { tool: string; approval: ToolApproval }[] | null | undefined): GrantDraft[] {
  return (grants ?? []).map((g) => ({ tool: g.tool, approval: g.approval }));
}

export function grantInputs(grants: readonly GrantDraft[]): GrantDraft[] {
  return grants.map((g) => ({ tool: g.tool.trim(), approval: g.approval }));
}

/** A UserError's field path as the form names it (`steps.0.tools.1.tool`), without the leading `input`. */
export function pathOf(error: UserError): string {
  const field = (error.field ?? []).map(String);
  return (field[0] === 'input' ? field.slice(1) : field).join('.');
}

function toNumber(text: string): number | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : Number.NaN;
}

/**
 * The workflow editor's form: a definition being edited, server validation errors keyed by
 * their `UserError.field` path, and the optimizer actions applied to it.
 */
export class WorkflowForm implements GrantsForm {
  name = $state('');
  description = $state('');
  pattern = $state<Pattern>('SEQUENCE');
  runtimeId = $state('');
  budgetUsd = $state('');
  documentIds = $state<string[]>([]);
  /** MCP tools every step may use, after each step's own grants. */
  tools = $state<GrantDraft[]>([]);
  steps = $state<StepDraft[]>([]);
  errors = $state<UserError[]>([]);
  /** CHECKPOINT: ids of the steps that wait for approval before they run. */
  checkpoints = $state<string[]>([]);
  /** LOOP: iterations at most (text while editing; a number in the input). */
  maxIterations = $state('3');
  /** PARALLEL: branches at once; SWARM: workers at once. */
  concurrency = $state('');
  /** SEQUENCE / CHECKPOINT: step id → wait (`30m`, `2h`, `1d`); such a step is a pure wait. */
  delays = $state<Record<string, string>>({});
  /** Pattern options this form does not edit (loop time budget and completion signals), kept as loaded. */
  #otherConfig: Record<string, unknown> = {};
  #nextId = 1;

  constructor(initial?: WorkflowDetail | null) {
    if (initial) {
      this.name = initial.name;
      this.description = initial.description ?? '';
      this.pattern = initial.pattern;
      this.runtimeId = initial.runtimeId ?? '';
      this.budgetUsd = initial.budgetUsd?.toString() ?? '';
      this.documentIds = initial.documents.filter((b) => b.stepId === null).map((b) => b.document.id);
      this.tools = grantDrafts(initial.tools);
      this.steps = initial.steps.map((s) => ({
        id: s.id,
        name: s.name,
        prompt: s.prompt,
        runtimeId: s.runtimeId ?? '',
        modelId: s.modelId ?? '',
        budgetUsd: s.budgetUsd?.toString() ?? '',
        documentIds: [...s.documentIds],
        tools: grantDrafts(s.tools),
        maxTurns: s.maxTurns ?? null,
        profileId: s.profileId ?? '',
        workingDirectory: s.workingDirectory ?? null,
      }));
      this.#nextId = initial.steps.length + 1;
      const config = (initial.config ?? {}) as Record<string, unknown>;
      const { checkpoints, maxIterations, concurrency, delays, ...rest } = config;
      this.checkpoints = Array.isArray(checkpoints) ? checkpoints.filter((c): c is string => typeof c === 'string') : [];
      this.maxIterations = typeof maxIterations === 'number' ? String(maxIterations) : '';
      this.concurrency = typeof concurrency === 'number' ? String(concurrency) : '';
      this.delays =
        delays && typeof delays === 'object' ? Object.fromEntries(Object.entries(delays as Record<string, unknown>).map(([k, v]) => [k, String(v)])) : {};
      this.#otherConfig = rest;
    } else {
      this.steps = [blankStep(this.#freshId(), 1)];
    }
  }

  #freshId(): string {
    let id = `step-${this.#nextId++}`;
    while (this.steps.some((s) => s.id === id)) id = `step-${this.#nextId++}`;
    return id;
  }

  /** Why the pattern takes no more steps (as the server's validation would say), or null. */
  get addStepBlocked(): string | null {
    const { max } = PATTERN_STEP_COUNTS[this.pattern];
    return max !== null && this.steps.length >= max ? `A ${patternLabel(this.pattern)} workflow takes at most ${formatQuantity(max, 'step')}.` : null;
  }

  /** Why the pattern needs every step it has, or null. */
  get removeStepBlocked(): string | null {
    const { min } = PATTERN_STEP_COUNTS[this.pattern];
    return this.steps.length <= min ? `A ${patternLabel(this.pattern)} workflow needs at least ${formatQuantity(min, 'step')}.` : null;
  }

  /** Appends a blank step, unless the pattern takes no more (then null). */
  addStep(): StepDraft | null {
    if (this.addStepBlocked) return null;
    const step = blankStep(this.#freshId(), this.steps.length + 1);
    this.steps.push(step);
    return step;
  }

  /** Removes a step, unless the pattern needs it. */
  removeStep(index: number): void {
    if (this.removeStepBlocked) return;
    this.steps.splice(index, 1);
  }

  moveStep(index: number, delta: -1 | 1): void {
    const to = index + delta;
    if (to < 0 || to >= this.steps.length) return;
    const [step] = this.steps.splice(index, 1);
    this.steps.splice(to, 0, step);
  }

  /** Whether a step waits for approval (CHECKPOINT pattern). */
  isCheckpoint(stepId: string): boolean {
    return this.checkpoints.includes(stepId);
  }

  setCheckpoint(stepId: string, on: boolean): void {
    this.checkpoints = on ? [...new Set([...this.checkpoints, stepId])] : this.checkpoints.filter((c) => c !== stepId);
  }

  /** Pattern options for the current pattern only (keys of another pattern would be rejected). */
  #configFor(stepIds: Set<string>): Record<string, unknown> {
    const config: Record<string, unknown> = {};
    if (this.pattern === 'LOOP') {
      for (const key of ['timeBudgetMs', 'completionSignals']) if (key in this.#otherConfig) config[key] = this.#otherConfig[key];
      const max = toNumber(this.maxIterations);
      if (max !== null) config.maxIterations = max;
    }
    if ((this.pattern === 'PARALLEL' || this.pattern === 'SWARM') && this.concurrency.trim()) config.concurrency = toNumber(this.concurrency);
    if (this.pattern === 'CHECKPOINT') {
      const checkpoints = this.checkpoints.filter((c) => stepIds.has(c));
      if (checkpoints.length) config.checkpoints = checkpoints;
    }
    if (this.pattern === 'SEQUENCE' || this.pattern === 'CHECKPOINT') {
      const delays = Object.fromEntries(
        Object.entries(this.delays)
          .filter(([id, d]) => stepIds.has(id) && d.trim())
          .map(([id, d]) => [id, d.trim()]),
      );
      if (Object.keys(delays).length) config.delays = delays;
    }
    return config;
  }

  /** The GraphQL input for create, update, estimate and optimize. */
  toInput(): WorkflowDefinitionInput {
    const stepIds = new Set(this.steps.map((s) => s.id));
    const config = this.#configFor(stepIds);
    return {
      name: this.name.trim(),
      description: this.description.trim() || null,
      pattern: this.pattern,
      runtimeId: this.runtimeId || null,
      budgetUsd: toNumber(this.budgetUsd),
      documentIds: [...this.documentIds],
      config: Object.keys(config).length ? config : null,
      tools: grantInputs(this.tools),
      steps: this.steps.map((s) => ({
        id: s.id,
        name: s.name.trim(),
        prompt: s.prompt,
        runtimeId: s.runtimeId || null,
        modelId: s.modelId || null,
        budgetUsd: toNumber(s.budgetUsd),
        documentIds: [...s.documentIds],
        tools: grantInputs(s.tools),
        ...(s.maxTurns !== null ? { maxTurns: s.maxTurns } : {}),
        // updateWorkflow replaces the whole definition: a step sent without its profile loses it.
        profileId: s.profileId || null,
        ...(s.workingDirectory ? { workingDirectory: s.workingDirectory } : {}),
      })),
    };
  }

  /** The message for a field path such as `steps.1.budgetUsd`, if the server rejected it. */
  errorFor(path: string): string | undefined {
    return this.errors.find((e) => pathOf(e) === path)?.message;
  }

  /** Adds an empty grant to a list (the workflow's `tools` or a step's); a new grant asks for approval unless changed. */
  addGrant(list: GrantDraft[], approval: ToolApproval = 'ASK'): void {
    list.push({ tool: '', approval });
  }

  removeGrant(list: GrantDraft[], index: number): void {
    list.splice(index, 1);
  }

  /** Moves a grant up or down its list: order matters, as the first grant that matches a tool decides. */
  moveGrant(list: GrantDraft[], index: number, delta: -1 | 1): void {
    const to = index + delta;
    if (to < 0 || to >= list.length) return;
    const [grant] = list.splice(index, 1);
    list.splice(to, 0, grant);
  }

  /**
   * Applies an optimizer action to the form (nothing is saved until the user saves). Returns
   * false when the action's type or payload is not one the form can hold.
   */
  apply(action: SuggestionActionLike): boolean {
    const p = (action.payload ?? {}) as Record<string, unknown>;
    const step = typeof p.stepId === 'string' ? this.steps.find((s) => s.id === p.stepId) : undefined;
    switch (action.type) {
      case 'SET_BUDGET': {
        const value = Number(p.budgetUsd ?? p.value);
        if (!Number.isFinite(value)) return false;
        if (step) step.budgetUsd = String(value);
        else this.budgetUsd = String(value);
        return true;
      }
      case 'SET_RUNTIME': {
        if (typeof p.runtimeId !== 'string') return false;
        if (step) step.runtimeId = p.runtimeId;
        else this.runtimeId = p.runtimeId;
        return true;
      }
      case 'CHANGE_PATTERN': {
        if (typeof p.pattern !== 'string' || !PATTERNS.includes(p.pattern as Pattern)) return false;
        this.pattern = p.pattern as Pattern;
        return true;
      }
      case 'SET_PER_STEP_DOCS': {
        // Payload: { bindings: [{ stepId, documentIds }] } (older shapes: `steps`, or one binding).
        const list = Array.isArray(p.bindings) ? p.bindings : Array.isArray(p.steps) ? p.steps : [p];
        let applied = false;
        const moved = new Set<string>();
        for (const b of list as Record<string, unknown>[]) {
          const target = this.steps.find((s) => s.id === b.stepId);
          if (target && Array.isArray(b.documentIds)) {
            target.documentIds = b.documentIds.filter((d): d is string => typeof d === 'string');
            target.documentIds.forEach((d) => moved.add(d));
            applied = true;
          }
        }
        if (!applied) return false;
        // Documents now bound per step are no longer injected into every step.
        this.documentIds = Array.isArray(p.globalDocumentIds)
          ? p.globalDocumentIds.filter((d): d is string => typeof d === 'string')
          : this.documentIds.filter((d) => !moved.has(d));
        return true;
      }
      default:
        return false;
    }
  }
}
