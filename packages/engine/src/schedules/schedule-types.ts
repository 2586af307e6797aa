/** What the schedule system accepts and reports. */

export interface ScheduleView {
  id: string;
  name: string;
  prompt: string;
  workflowId: string | null;
  expression: string;
  cron: string;
  timezone: string;
  active: boolean;
  runtimeId: string | null;
  budgetUsd: number | null;
  nextFireAt: number | null;
  lastFiredAt: number | null;
  failureStreak: number;
  lastFailureReason: string | null;
  pausedReason: string | null;
  avgTurnsPerFiring: number | null;
  lastTurnCount: number | null;
  missedFirings: number;
  warnings: string[];
  createdAt: number;
}
export interface ScheduleParseResult {
  ok: boolean;
  cron: string | null;
  description: string | null;
  /** Epoch ms. */
  nextFireTimes: number[];
  error: string | null;
}
export interface CreateScheduleInput {
  name: string;
  prompt: string;
  expression: string;
  timezone?: string | null;
  workflowId?: string | null;
  runtimeId?: string | null;
  budgetUsd?: number | null;
}
