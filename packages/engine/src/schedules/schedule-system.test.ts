import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { ScheduleSchema } from '../db/entities/schedule.entity.js';
import { WorkflowSchema } from '../db/entities/workflow.entity.js';
import { ErrorCode, NotFoundError, ValidationError } from '../errors.js';
import { MAX_SCHEDULE_EXPRESSION_LENGTH } from './expression-parser.js';
import { ScheduleSystem } from './schedule-system.js';
import { ScriptedExecutor } from './testing/scripted-executor.js';
import { openScheduleTestResources } from './testing/schedule-test-kit.js';

const START = Date.UTC(2026, 0, 5, 8, 0);
let resources: Awaited<ReturnType<typeof openScheduleTestResources>>;
let system: ScheduleSystem;

beforeEach(async () => {
  resources = await openScheduleTestResources({ clock: new ManualClock(START) });
  system = new ScheduleSystem(resources, new ScriptedExecutor());
});
afterEach(() => resources.orm.close(true));

async function rejection(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('ScheduleSystem', () => {
  it('creates an active schedule with cron, timezone and next fire time', async () => {
    const view = await system.create({
      name: 'Standup notes',
      prompt: 'Summarise yesterday.',
      expression: 'every weekday at 9am',
      timezone: 'Europe/Berlin',
      runtimeId: 'simulated',
      budgetUsd: 0.5,
    });
    expect(view).toMatchObject({
      name: 'Standup notes',
      expression: 'every weekday at 9am',
      cron: '0 9 * * 1-5',
      timezone: 'Europe/Berlin',
      active: true,
      runtimeId: 'simulated',
      budgetUsd: 0.5,
      nextFireAt: Date.UTC(2026, 0, 6, 8, 0),
      failureStreak: 0,
      missedFirings: 0,
      warnings: [],
      createdAt: START,
    });
    expect(await system.list()).toEqual([view]);
  });

  it('stores an expression up to its 500-character limit as written, on either database', async () => {
    // Spacing the parser ignores: a long expression is valid, so its column must hold 500 characters (text, not varchar(255)).
    const expression = `every${' '.repeat(MAX_SCHEDULE_EXPRESSION_LENGTH - 'every weekday at 9am'.length)} weekday at 9am`;
    const view = await system.create({ name: 'Long', prompt: 'p', expression, timezone: 'UTC' });
    expect(view.cron).toBe('0 9 * * 1-5');
    expect((await system.list())[0]!.expression).toBe(expression);
  });

  it('defaults the timezone to the server zone', async () => {
    const view = await system.create({ name: 'x', prompt: 'p', expression: 'hourly' });
    expect(view.timezone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });

  it('rejects bad input field by field and writes nothing', async () => {
    const error = await rejection(
      system.create({
        name: ' ',
        prompt: '',
        expression: 'every wekday at 9am',
        timezone: 'Nowhere/City',
        runtimeId: 'no-such-runtime',
        budgetUsd: -1,
        workflowId: null,
      }),
    );
    expect(error.issues.map((i) => [i.field, i.code])).toEqual([
      [['name'], ErrorCode.INVALID_VALUE],
      [['prompt'], ErrorCode.INVALID_VALUE],
      [['expression'], ErrorCode.INVALID_VALUE],
      [['timezone'], ErrorCode.INVALID_VALUE],
      [['runtimeId'], ErrorCode.NOT_FOUND],
      [['budgetUsd'], ErrorCode.OUT_OF_RANGE],
    ]);
    expect(error.issues[2].message).toContain("Did you mean 'every weekday at 9am'?");
    expect(await resources.orm.em.fork().count(ScheduleSchema, {})).toBe(0);
  });

  it('refuses an expression over the length limit as OUT_OF_RANGE, quoting none of it, and writes nothing', async () => {
    const error = await rejection(system.create({ name: 'Long', prompt: 'p', expression: 'a'.repeat(2_000_000), timezone: 'UTC' }));
    expect(error.issues.map((i) => [i.field, i.code])).toEqual([[['expression'], ErrorCode.OUT_OF_RANGE]]);
    expect(error.issues[0].message).toMatch(/^The expression is 2,000,000 characters long; at most 500 are accepted\./);
    expect(error.message).not.toContain('aaaa');
    expect(await resources.orm.em.fork().count(ScheduleSchema, {})).toBe(0);
  });

  it('rejects an unknown workflow and accepts a known one without a prompt', async () => {
    const missing = await rejection(system.create({ name: 'w', prompt: '', expression: 'daily', workflowId: 'nope' }));
    expect(missing.issues[0]).toBeInstanceOf(NotFoundError);
    expect(missing.issues[0].field).toEqual(['workflowId']);
    await resources.orm.em
      .fork()
      .insert(WorkflowSchema, { id: 'wf-1', createdAt: START, name: 'W', pattern: 'SEQUENCE', status: 'DRAFT', definition: {} as never, updatedAt: START });
    expect((await system.create({ name: 'w', prompt: '', expression: 'daily', workflowId: 'wf-1', timezone: 'UTC' })).workflowId).toBe('wf-1');
  });

  it('stores prompt-analyzer and collision warnings', async () => {
    await system.create({ name: 'Digest', prompt: 'Send the digest.', expression: 'daily at 9am', timezone: 'UTC' });
    const view = await system.create({ name: 'Prices', prompt: 'For each of the 40 tickers, look up the price.', expression: '0 9 * * 1-5', timezone: 'UTC' });
    expect(view.warnings).toHaveLength(4);
    expect(view.warnings[0]).toContain('item by item');
    expect(view.warnings[2]).toContain('Estimated 43 turns');
    expect(view.warnings[3]).toContain('Fires in the same minute as "Digest"');
  });

  it('pauses and re-activates: the streak resets and the next fire time is recomputed from now', async () => {
    const created = await system.create({ name: 'x', prompt: 'p', expression: 'hourly', timezone: 'UTC' });
    await resources.orm.em.fork().nativeUpdate(ScheduleSchema, { id: created.id }, { failureStreak: 2, failureStreakCategory: 'TIMEOUT' });
    const paused = await system.setActive(created.id, false);
    expect(paused).toMatchObject({ active: false, nextFireAt: null, pausedReason: 'Paused by a user.', failureStreak: 2 });
    resources.clock.set(START + 5 * 3600_000 + 60_000);
    const resumed = await system.setActive(created.id, true);
    expect(resumed).toMatchObject({ active: true, failureStreak: 0, pausedReason: null, nextFireAt: Date.UTC(2026, 0, 5, 14, 0) });
  });

  it('deletes, and reports unknown ids as NOT_FOUND on the id field', async () => {
    const created = await system.create({ name: 'x', prompt: 'p', expression: '5m', timezone: 'UTC' });
    expect(await system.delete(created.id)).toBe(created.id);
    expect(await system.list()).toEqual([]);
    await expect(system.delete(created.id)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, field: ['id'] });
    await expect(system.setActive('missing', true)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('parses for a preview relative to the engine clock', async () => {
    const preview = await system.parse('every 15 minutes', 'UTC');
    expect(preview.nextFireTimes[0]).toBe(START + 15 * 60_000);
  });
});
