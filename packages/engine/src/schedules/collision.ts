import { fireTimesUntil } from './fire-times.js';

/** A schedule as the collision check sees it: its cron in its own timezone. */
export interface CronInZone {
  cron: string;
  timezone: string;
}

/** An existing active schedule to compare against. */
export interface ExistingSchedule extends CronInZone {
  id: string;
  name: string;
}

/** A new schedule shares a fire minute with existing active schedules. Advisory only. */
export interface CollisionWarning {
  /** Names of the schedules that fire in a shared minute. */
  overlapping: string[];
  /** First shared minute, epoch ms. */
  firstSharedAt: number;
  /** Nearest minute shift (e.g. +1, -2) that avoids every overlap in the window; null when none within ±30. */
  suggestedOffsetMinutes: number | null;
  /** The candidate's cron with that shift applied; null when no shift works. */
  suggestedCron: string | null;
  message: string;
}

/** Window compared, from `now`: two weeks covers daily and weekly schedules. */
const WINDOW_MS = 14 * 24 * 60 * 60 * 1000;
/** Occurrences compared per schedule, at most (about 0.2 s of croner work): an every-minute schedule is compared over its first day. */
const MAX_OCCURRENCES = 1500;
/** Largest shift tried, in minutes, in each direction. */
const MAX_OFFSET = 30;
const MINUTE = 60_000;

/**
 * Checks whether `candidate` fires in the same minute as any `existing` schedule during the next
 * two weeks (each in its own timezone), and suggests the nearest minute offset that avoids every
 * overlap (shifts that would cross into another hour are not tried). Null when nothing overlaps.
 */
export function findCollision(candidate: CronInZone, existing: ExistingSchedule[], now: number): CollisionWarning | null {
  if (!existing.length) return null;
  const occupied = new Map<number, string[]>();
  for (const other of existing) {
    for (const at of minutesOf(other, now)) {
      const names = occupied.get(at) ?? [];
      if (!names.includes(other.name)) names.push(other.name);
      occupied.set(at, names);
    }
  }
  const shared = minutesOf(candidate, now).filter((at) => occupied.has(at));
  if (!shared.length) return null;
  const overlapping = [...new Set(shared.flatMap((at) => occupied.get(at)!))];
  const shift = nearestFreeShift(candidate, occupied, now);
  const when = new Intl.DateTimeFormat('en-GB', { timeZone: candidate.timezone, dateStyle: 'medium', timeStyle: 'short' }).format(shared[0]);
  const names = overlapping.map((n) => `"${n}"`).join(', ');
  const advice = shift
    ? `Moving it ${shift.offset > 0 ? 'later' : 'earlier'} by ${Math.abs(shift.offset)} minute${Math.abs(shift.offset) === 1 ? '' : 's'} ("${shift.cron}") avoids the overlap.`
    : `No shift within ${MAX_OFFSET} minutes avoids it.`;
  return {
    overlapping,
    firstSharedAt: shared[0],
    suggestedOffsetMinutes: shift?.offset ?? null,
    suggestedCron: shift?.cron ?? null,
    message: `Fires in the same minute as ${names} (first at ${when} ${candidate.timezone}). ${advice}`,
  };
}

function minutesOf(schedule: CronInZone, now: number): number[] {
  return fireTimesUntil(schedule.cron, schedule.timezone, now, now + WINDOW_MS, MAX_OCCURRENCES).map((at) => Math.floor(at / MINUTE) * MINUTE);
}

function nearestFreeShift(candidate: CronInZone, occupied: Map<number, string[]>, now: number): { offset: number; cron: string } | null {
  for (let distance = 1; distance <= MAX_OFFSET; distance++) {
    for (const offset of [distance, -distance]) {
      const cron = shiftMinutes(candidate.cron, offset);
      if (cron && !minutesOf({ cron, timezone: candidate.timezone }, now).some((at) => occupied.has(at))) return { offset, cron };
    }
  }
  return null;
}

/**
 * The cron with its minute field shifted by `offset` minutes, or null when the field is not a
 * plain number, list or `*`/`N` step, or a shifted minute would leave 0-59 (crossing an hour
 * would need the hour field to change too).
 */
export function shiftMinutes(cron: string, offset: number): string | null {
  const [minute, ...rest] = cron.split(' ');
  let minutes: number[];
  const step = /^\*\/(\d+)$/.exec(minute);
  if (step) minutes = Array.from({ length: Math.ceil(60 / Number(step[1])) }, (_, i) => i * Number(step[1]));
  else if (/^\d+(,\d+)*$/.test(minute)) minutes = minute.split(',').map(Number);
  else return null;
  const shifted = minutes.map((m) => m + offset);
  if (shifted.some((m) => m < 0 || m > 59)) return null;
  return [shifted.join(','), ...rest].join(' ');
}
