import {
  activeSchedules,
  deleteScheduleWithFirings,
  findSchedule,
  insertSchedule,
  listSchedules,
  updateScheduleAtVersion,
  workflowExists,
} from '../db/schedule-store.js';
import type { CreateScheduleInput, ScheduleParseResult, ScheduleView } from './schedule-types.js';
import { ConflictError, ErrorCode, NotFoundError, StagentError, ValidationError } from '../errors.js';
import { newId } from '../ids.js';
import { blankNameMessage, isBlankName } from '../names.js';
import { quote } from '../input-excerpt.js';
import type { EngineResources } from '../resources.js';
import { findCollision } from './collision.js';
import { compileExpression, neverFires, parseScheduleExpression, type CompiledExpression } from './expression-parser.js';
import { InvalidTimezoneError, ScheduleExpressionError } from './expression-error.js';
import { nextFireTime, resolveTimezone } from './fire-times.js';
import { analyzePrompt } from './prompt-analyzer.js';
import type { ScheduleEvent, ScheduleEventListener } from './schedule-events.js';
import type { ScheduleExecutor } from './schedule-executor.js';
import { toScheduleView } from './schedule-view.js';
import { Scheduler, type SchedulerOptions, type TickResult } from './scheduler.js';

/** Longest schedule name, in characters. */
export const MAX_NAME_LENGTH = 200;
/** Longest schedule prompt, in characters. */
export const MAX_PROMPT_LENGTH = 10_000;
/** Largest per-firing budget, in USD: the top of the `budget.maxCostPerTaskUsd` setting's range. */
export const MAX_BUDGET_USD = 50;
/** Compare-and-set attempts of {@link ScheduleSystem.setActive} before it reports a conflict. */
const CAS_ATTEMPTS = 3;

interface ValidatedInput {
  name: string;
  prompt: string;
  expression: string;
  compiled: CompiledExpression;
  timezone: string;
  workflowId: string | null;
  runtimeId: string | null;
  budgetUsd: number | null;
}

/**
 * The schedules system: create, list, pause and delete schedules, parse expressions for a
 * preview, and run the scheduler that fires them ({@link Scheduler}). The engine builds one per
 * process with its {@link EngineResources} and a {@link ScheduleExecutor} that runs the work.
 */
export class ScheduleSystem {
  private readonly scheduler: Scheduler;
  private readonly listeners = new Set<ScheduleEventListener>();

  constructor(
    private readonly resources: EngineResources,
    executor: ScheduleExecutor,
    options: SchedulerOptions = {},
  ) {
    // One claim owner per instance, so two systems sharing an ownerId still never release each other's claims.
    const instanceId = `${resources.ownerId}:schedules:${newId().slice(0, 8)}`;
    this.scheduler = new Scheduler(resources, executor, instanceId, (event) => this.publish(event), options);
  }

  /** Every schedule, oldest first. */
  async list(): Promise<ScheduleView[]> {
    return (await listSchedules(this.resources)).map(toScheduleView);
  }

  /** One schedule, or null. */
  async get(id: string): Promise<ScheduleView | null> {
    const row = await findSchedule(this.resources, id);
    return row ? toScheduleView(row) : null;
  }

  /** A preview of an expression: cron, description and the next five fire times after now. Never throws. */
  async parse(expression: string, timezone?: string | null): Promise<ScheduleParseResult> {
    return parseScheduleExpression(expression, { timezone, now: this.resources.clock.now() });
  }

  /**
   * Creates an active schedule. Throws {@link ValidationError} listing every bad field (name,
   * prompt, expression, timezone, workflowId, runtimeId, budgetUsd) and writes nothing then.
   * Prompt-analyzer and same-minute collision findings are stored as advisory `warnings`.
   */
  async create(input: CreateScheduleInput): Promise<ScheduleView> {
    const valid = await this.validate(input);
    const now = this.resources.clock.now();
    const others = await activeSchedules(this.resources);
    const collision = findCollision(
      { cron: valid.compiled.cron, timezone: valid.timezone },
      others.map((o) => ({ id: o.id, name: o.name, cron: o.cron, timezone: o.timezone })),
      now,
    );
    const warnings = [...(valid.prompt ? analyzePrompt(valid.prompt).warnings.map((w) => w.message) : []), ...(collision ? [collision.message] : [])];
    const id = newId();
    await insertSchedule(this.resources, {
      id,
      createdAt: now,
      updatedAt: now,
      name: valid.name,
      prompt: valid.prompt,
      workflowId: valid.workflowId,
      expression: valid.expression,
      cron: valid.compiled.cron,
      timezone: valid.timezone,
      active: true,
      runtimeId: valid.runtimeId,
      budgetUsd: valid.budgetUsd,
      nextFireAt: nextFireTime(valid.compiled.cron, valid.timezone, now),
      failureStreak: 0,
      firingCount: 0,
      missedFirings: 0,
      warnings,
      version: 0,
    });
    return (await this.get(id))!;
  }

  /**
   * Pauses or re-activates a schedule. Re-activating resets the failure streak, clears the pause
   * reason and computes the next fire time from now (missed occurrences while paused are not
   * fired). Throws {@link NotFoundError} for an unknown id.
   */
  async setActive(id: string, active: boolean): Promise<ScheduleView> {
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const row = await findSchedule(this.resources, id);
      if (!row) throw new NotFoundError('Schedule', id, ['id']);
      const now = this.resources.clock.now();
      const change = active
        ? { active: true, failureStreak: 0, failureStreakCategory: null, pausedReason: null, nextFireAt: nextFireTime(row.cron, row.timezone, now) }
        : { active: false, nextFireAt: null, pausedReason: 'Paused by a user.' };
      if (await updateScheduleAtVersion(this.resources, id, row.version, { ...change, updatedAt: now })) return (await this.get(id))!;
    }
    throw new ConflictError(`Schedule "${id}" kept changing while being updated; reload and try again.`, ['id']);
  }

  /** Deletes a schedule and its firing history; returns its id. A firing in progress finishes but records nothing on the schedule. */
  async delete(id: string): Promise<string> {
    if (!(await deleteScheduleWithFirings(this.resources, id))) throw new NotFoundError('Schedule', id, ['id']);
    return id;
  }

  /** Fires due schedules once (see {@link Scheduler.tick}). */
  tick(): Promise<TickResult> {
    return this.scheduler.tick();
  }

  /** Starts the tick loop on the engine clock (every 15 s by default). Idempotent. */
  start(): void {
    this.scheduler.start();
  }

  /** Stops the loop and waits until every running firing has been recorded; `abortRunning` cancels them first (shutdown). */
  stop(options: { abortRunning?: boolean } = {}): Promise<void> {
    return this.scheduler.stop(options);
  }

  /** Resolves when no tick is running and every started firing has been recorded. */
  idle(): Promise<void> {
    return this.scheduler.idle();
  }

  /** Subscribes to scheduler events (fired, finished, auto-paused); returns an unsubscribe function. */
  onEvent(listener: ScheduleEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private publish(event: ScheduleEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.resources.logger.error('Schedule event listener failed', { kind: event.kind, error: String(error) });
      }
    }
  }

  private async validate(input: CreateScheduleInput): Promise<ValidatedInput> {
    const issues: StagentError[] = [];
    const issue = (code: ErrorCode, message: string, field: string) => issues.push(new StagentError(code, message, { field: [field] }));
    const name = (input.name ?? '').trim();
    if (isBlankName(name)) issue(ErrorCode.INVALID_VALUE, blankNameMessage('schedule'), 'name');
    else if (name.length > MAX_NAME_LENGTH) issue(ErrorCode.INVALID_VALUE, `The name must be 1-${MAX_NAME_LENGTH} characters.`, 'name');
    const workflowId = input.workflowId?.trim() || null;
    const prompt = (input.prompt ?? '').trim();
    if (!workflowId && !prompt) issue(ErrorCode.INVALID_VALUE, 'A schedule without a workflow needs a prompt.', 'prompt');
    if (prompt.length > MAX_PROMPT_LENGTH) issue(ErrorCode.OUT_OF_RANGE, `The prompt must be at most ${MAX_PROMPT_LENGTH} characters.`, 'prompt');
    let compiled: CompiledExpression | null = null;
    try {
      compiled = compileExpression(input.expression ?? '');
    } catch (error) {
      if (!(error instanceof ScheduleExpressionError)) throw error;
      issue(error.code, error.userMessage, 'expression');
    }
    let timezone = '';
    try {
      timezone = resolveTimezone(input.timezone);
    } catch (error) {
      if (!(error instanceof InvalidTimezoneError)) throw error;
      issues.push(error);
    }
    if (workflowId && !(await workflowExists(this.resources, workflowId))) issues.push(new NotFoundError('Workflow', workflowId, ['workflowId']));
    const runtimeId = input.runtimeId?.trim() || null;
    if (runtimeId && !this.resources.catalog.has(runtimeId))
      issue(ErrorCode.NOT_FOUND, `Unknown runtime ${quote(runtimeId)}. Known runtimes: ${this.resources.catalog.ids().join(', ')}.`, 'runtimeId');
    const budgetUsd = input.budgetUsd ?? null;
    if (budgetUsd !== null && !(Number.isFinite(budgetUsd) && budgetUsd > 0 && budgetUsd <= MAX_BUDGET_USD))
      issue(ErrorCode.OUT_OF_RANGE, `The budget must be more than $0 and at most $${MAX_BUDGET_USD} per firing.`, 'budgetUsd');
    // A workflow resolves runtimes and budgets per step; overriding them from a schedule would be silently partial.
    if (workflowId && runtimeId)
      issue(ErrorCode.NOT_APPLICABLE, "A workflow schedule runs on the workflow's own runtimes; set the runtime on the workflow instead.", 'runtimeId');
    if (workflowId && budgetUsd !== null)
      issue(ErrorCode.NOT_APPLICABLE, "A workflow schedule uses the workflow's own budgets; set the budget on the workflow instead.", 'budgetUsd');
    if (compiled && timezone && nextFireTime(compiled.cron, timezone, this.resources.clock.now()) === null) {
      issue(ErrorCode.INVALID_VALUE, neverFires(compiled.cron).message, 'expression');
      compiled = null;
    }
    if (issues.length || !compiled) throw new ValidationError(issues);
    return { name, prompt, expression: input.expression.trim(), compiled, timezone, workflowId, runtimeId, budgetUsd };
  }
}
