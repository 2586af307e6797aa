import type { FiringOutcome } from './schedule-executor.js';

/** Kinds of scheduler events: a firing started, a firing finished, a schedule paused itself. */
export const ScheduleEventKind = {
  SCHEDULE_FIRED: 'SCHEDULE_FIRED',
  SCHEDULE_FIRING_FINISHED: 'SCHEDULE_FIRING_FINISHED',
  SCHEDULE_AUTO_PAUSED: 'SCHEDULE_AUTO_PAUSED',
} as const;
export type ScheduleEventKind = (typeof ScheduleEventKind)[keyof typeof ScheduleEventKind];

/** An event of the scheduler, published after the row change it describes was written. Times are epoch ms. */
export type ScheduleEvent =
  | { kind: 'SCHEDULE_FIRED'; scheduleId: string; firingId: string; dueAt: number; catchUp: boolean; missedFirings: number; at: number }
  | { kind: 'SCHEDULE_FIRING_FINISHED'; scheduleId: string; firingId: string; outcome: FiringOutcome; at: number }
  | { kind: 'SCHEDULE_AUTO_PAUSED'; scheduleId: string; name: string; failureStreak: number; reason: string; at: number };

/** A listener for {@link ScheduleEvent}s; errors it throws are logged and ignored. */
export type ScheduleEventListener = (event: ScheduleEvent) => void;
