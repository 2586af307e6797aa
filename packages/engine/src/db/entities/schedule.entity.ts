import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { baseProperties, p } from './base.js';

/** A schedule: what the user wrote, its cron, its claim for exactly-once firing, and its health. */
export const ScheduleSchema = defineEntity({
  name: 'ScheduleRow',
  tableName: 'schedules',
  properties: {
    ...baseProperties,
    name: p.string(),
    prompt: p.text(),
    workflowId: p.string().nullable().index(),
    expression: p.text(),
    cron: p.string(),
    timezone: p.string(),
    active: p.boolean().default(true),
    runtimeId: p.string().nullable(),
    budgetUsd: p.double().$type<number>().nullable(),
    nextFireAt: p.bigint('number').nullable().index(),
    lastFiredAt: p.bigint('number').nullable(),
    failureStreak: p.integer().default(0),
    failureStreakCategory: p.string().nullable(),
    lastFailureReason: p.text().nullable(),
    pausedReason: p.text().nullable(),
    avgTurnsPerFiring: p.double().$type<number>().nullable(),
    lastTurnCount: p.integer().nullable(),
    firingCount: p.integer().default(0),
    missedFirings: p.integer().default(0),
    warnings: p.json<string[]>(),
    /** Exactly-once claim: the process firing it and until when the claim holds. */
    claimedBy: p.string().nullable(),
    claimedUntil: p.bigint('number').nullable(),
    version: p.integer().default(0),
    updatedAt: p.bigint('number'),
  },
});
export type ScheduleRow = InferEntity<typeof ScheduleSchema>;
