import type { ScheduleParseResult, ScheduleView } from '@stagent/engine';
import { builder } from '../builder.js';
import { limited } from '../input-limits.js';
import { DeletePayloadRef, payload, UserErrorRef, type Payload } from './common.js';

const ScheduleRef = builder.objectRef<ScheduleView>('Schedule').implement({
  description: 'A recurring prompt or workflow run, written in natural language and stored as cron.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Schedule id.' }),
    name: t.exposeString('name', { description: 'Name shown to people.' }),
    prompt: t.exposeString('prompt', { description: 'What the agent does at each firing.' }),
    workflowId: t.exposeID('workflowId', { nullable: true, description: 'Workflow executed at each firing instead of a standalone task.' }),
    expression: t.exposeString('expression', { description: 'What the user wrote, e.g. "every weekday at 9am".' }),
    cron: t.exposeString('cron', { description: 'The cron expression it was parsed into.' }),
    timezone: t.exposeString('timezone', { description: 'IANA time zone the cron is evaluated in.' }),
    active: t.exposeBoolean('active', { description: 'Whether it fires.' }),
    runtimeId: t.exposeString('runtimeId', { nullable: true, description: 'Runtime for standalone firings.' }),
    budgetUsd: t.exposeFloat('budgetUsd', { nullable: true, description: 'Cost cap per firing, USD.' }),
    nextFireAt: t.field({ type: 'DateTime', nullable: true, description: 'Next firing; null when inactive.', resolve: (s) => s.nextFireAt }),
    lastFiredAt: t.field({ type: 'DateTime', nullable: true, description: 'Last firing.', resolve: (s) => s.lastFiredAt }),
    failureStreak: t.exposeInt('failureStreak', { description: 'Consecutive failed firings.' }),
    lastFailureReason: t.exposeString('lastFailureReason', { nullable: true, description: 'Why the last firing failed.' }),
    pausedReason: t.exposeString('pausedReason', { nullable: true, description: 'Why the scheduler deactivated it (e.g. too many failures in a row).' }),
    avgTurnsPerFiring: t.exposeFloat('avgTurnsPerFiring', { nullable: true, description: 'Mean model turns per firing.' }),
    lastTurnCount: t.exposeInt('lastTurnCount', { nullable: true, description: 'Model turns of the last firing.' }),
    missedFirings: t.exposeInt('missedFirings', { description: 'Firings skipped while the process was down or the previous firing still ran.' }),
    warnings: t.exposeStringList('warnings', { description: 'Risks found by the prompt analyzer.' }),
    createdAt: t.field({ type: 'DateTime', description: 'When it was created.', resolve: (s) => s.createdAt }),
  }),
});

const ScheduleParseRef = builder.objectRef<ScheduleParseResult>('ScheduleParse').implement({
  description: 'Result of parsing a schedule phrase.',
  fields: (t) => ({
    ok: t.exposeBoolean('ok', { description: 'Whether the phrase was understood.' }),
    cron: t.exposeString('cron', { nullable: true, description: 'The cron expression.' }),
    description: t.exposeString('description', { nullable: true, description: 'The schedule in words, for confirmation.' }),
    nextFireTimes: t.field({ type: ['DateTime'], description: 'The next firings (up to 5).', resolve: (p) => p.nextFireTimes }),
    error: t.exposeString('error', { nullable: true, description: 'Why the phrase was not understood, with an example that works.' }),
  }),
});

const SchedulePayloadRef = builder.objectRef<Payload<{ schedule: ScheduleView }>>('SchedulePayload').implement({
  description: 'Result of a schedule mutation.',
  fields: (t) => ({
    schedule: t.field({
      type: ScheduleRef,
      nullable: true,
      description: 'The schedule after the change; null when `errors` is not empty.',
      resolve: (p) => p.schedule ?? null,
    }),
    errors: t.field({ type: [UserErrorRef], description: 'Expected failures; empty on success.', resolve: (p) => p.errors }),
  }),
});

builder.queryFields((t) => ({
  schedules: t.field({ type: [ScheduleRef], description: 'Every schedule.', resolve: (_root, _args, ctx) => ctx.engine.listSchedules() }),
  parseSchedule: t.field({
    type: ScheduleParseRef,
    description: 'Parses a phrase such as "every weekday at 9am" without saving anything.',
    args: {
      expression: t.arg.string(limited('expression', { required: true, description: 'The phrase (or a cron expression).' })),
      timezone: t.arg.string(limited('key', { description: 'IANA time zone; default the server time zone.' })),
    },
    resolve: (_root, args, ctx) => ctx.engine.parseSchedule(args.expression, args.timezone),
  }),
}));

builder.mutationFields((t) => ({
  createSchedule: t.field({
    type: SchedulePayloadRef,
    description: 'Creates an active schedule. Errors: INVALID_VALUE (phrase not understood, bad time zone), NOT_FOUND (workflowId), OUT_OF_RANGE (budgetUsd).',
    args: {
      name: t.arg.string(limited('name', { required: true, description: 'Name shown to people.' })),
      prompt: t.arg.string(limited('prompt', { required: true, description: 'What the agent does at each firing.' })),
      expression: t.arg.string(limited('expression', { required: true, description: 'When, e.g. "every weekday at 9am".' })),
      timezone: t.arg.string(limited('key', { description: 'IANA time zone; default the server time zone.' })),
      workflowId: t.arg.id({ description: 'Workflow to execute at each firing instead of a standalone task.' }),
      runtimeId: t.arg.string(limited('key', { description: 'Runtime for standalone firings.' })),
      budgetUsd: t.arg.float({ description: 'Cost cap per firing, USD.' }),
    },
    resolve: (_root, args, ctx) => payload(async () => ({ schedule: await ctx.engine.createSchedule(args) })),
  }),
  setScheduleActive: t.field({
    type: SchedulePayloadRef,
    description: 'Activates or pauses a schedule (activating resets its failure streak). Errors: NOT_FOUND.',
    args: {
      id: t.arg.id({ required: true, description: 'Schedule id.' }),
      active: t.arg.boolean({ required: true, description: 'true to fire, false to pause.' }),
    },
    resolve: (_root, args, ctx) => payload(async () => ({ schedule: await ctx.engine.setScheduleActive(args.id, args.active) })),
  }),
  deleteSchedule: t.field({
    type: DeletePayloadRef,
    description: 'Deletes a schedule. Errors: NOT_FOUND.',
    args: { id: t.arg.id({ required: true, description: 'Schedule id.' }) },
    resolve: (_root, args, ctx) => payload(async () => ({ deletedId: await ctx.engine.deleteSchedule(args.id) })),
  }),
}));
