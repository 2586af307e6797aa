import type { ScheduleView } from './schedule-types.js';
import type { ScheduleRow } from '../db/entities/schedule.entity.js';

/** The facade's read model of a schedule row (contract `Schedule`). Times are epoch ms. */
export function toScheduleView(row: ScheduleRow): ScheduleView {
  return {
    id: row.id,
    name: row.name,
    prompt: row.prompt,
    workflowId: row.workflowId ?? null,
    expression: row.expression,
    cron: row.cron,
    timezone: row.timezone,
    active: row.active,
    runtimeId: row.runtimeId ?? null,
    budgetUsd: row.budgetUsd ?? null,
    nextFireAt: row.nextFireAt ?? null,
    lastFiredAt: row.lastFiredAt ?? null,
    failureStreak: row.failureStreak,
    lastFailureReason: row.lastFailureReason ?? null,
    pausedReason: row.pausedReason ?? null,
    avgTurnsPerFiring: row.avgTurnsPerFiring ?? null,
    lastTurnCount: row.lastTurnCount ?? null,
    missedFirings: row.missedFirings,
    warnings: [...(row.warnings ?? [])],
    createdAt: row.createdAt,
  };
}
