import { Cron } from 'croner';
import { InvalidTimezoneError } from './expression-error.js';

/** The server's IANA timezone, the default for schedules created without one. */
export function serverTimezone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Whether `timezone` is an IANA zone name this runtime knows (`Europe/Berlin`, `UTC`). */
export function isValidTimezone(timezone: string): boolean {
  if (!timezone.trim()) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/** Returns the timezone to use: the given one when valid, the server's when absent; throws {@link InvalidTimezoneError} otherwise. */
export function resolveTimezone(timezone: string | null | undefined): string {
  if (timezone === null || timezone === undefined) return serverTimezone();
  if (!isValidTimezone(timezone)) throw new InvalidTimezoneError(timezone);
  return timezone;
}

function pattern(cron: string, timezone: string): Cron {
  return new Cron(cron, { timezone, mode: '5-part' });
}

/**
 * The next `count` fire times of `cron` in `timezone`, strictly after `from`, as epoch ms.
 * Wall-clock times follow DST: a time that does not exist on a spring-forward day fires at the
 * first valid minute after the gap, and a time that occurs twice on a fall-back day fires once.
 */
export function nextFireTimes(cron: string, timezone: string, from: number, count = 5): number[] {
  return pattern(cron, timezone)
    .nextRuns(count, new Date(from))
    .map((d) => d.getTime());
}

/**
 * Fire times (epoch ms) strictly after `from` and at or before `until`, at most `cap` of them:
 * enumeration stops at `until`, so a sparse cron costs a handful of steps, not `cap`.
 */
export function fireTimesUntil(cron: string, timezone: string, from: number, until: number, cap: number): number[] {
  return new Cron(cron, { timezone, mode: '5-part', stopAt: new Date(until + 1) }).nextRuns(cap, new Date(from)).map((d) => d.getTime());
}

/** The next fire time strictly after `from` (epoch ms), or null when the cron never fires again. */
export function nextFireTime(cron: string, timezone: string, from: number): number | null {
  return pattern(cron, timezone).nextRun(new Date(from))?.getTime() ?? null;
}

/** Occurrences counted one by one before the rest of a long window is extrapolated (about 0.1 s of work). */
export const EXACT_OCCURRENCE_LIMIT = 1000;

/**
 * Occurrences of `cron` in the window (`after`, `upTo`] (epoch ms): how many, and the latest one.
 * The first {@link EXACT_OCCURRENCE_LIMIT} are counted exactly; past that (a month of downtime on
 * an every-minute schedule is 44 640 occurrences) the rest is extrapolated from their mean gap
 * and `estimated` is true. `latest` is always exact.
 */
export function occurrencesBetween(cron: string, timezone: string, after: number, upTo: number): { count: number; latest: number | null; estimated: boolean } {
  const job = pattern(cron, timezone);
  // previousRuns is strictly before its reference except within the same second, so +1 ms includes `upTo` itself.
  const latest = job.previousRuns(1, new Date(upTo + 1))[0]?.getTime() ?? null;
  if (latest === null || latest <= after) return { count: 0, latest: null, estimated: false };
  let count = 0;
  let first = 0;
  let cursor = after;
  while (count < EXACT_OCCURRENCE_LIMIT) {
    const next = job.nextRun(new Date(cursor))?.getTime();
    if (next === undefined || next > upTo) return { count, latest, estimated: false };
    if (count === 0) first = next;
    count++;
    cursor = next;
  }
  if (cursor >= latest) return { count, latest, estimated: false };
  const meanGap = (cursor - first) / (count - 1);
  return { count: count + Math.round((latest - cursor) / meanGap), latest, estimated: true };
}
