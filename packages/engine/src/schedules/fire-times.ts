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

/** The next fire time strictly after `from` (epoch ms), or null when the cron never fires again. */
export function nextFireTime(cron: string, timezone: string, from: number): number | null {
  return pattern(cron, timezone).nextRun(new Date(from))?.getTime() ?? null;
}

/**
 * Occurrences of `cron` in the window (`after`, `upTo`] (epoch ms): how many (counting at most
 * `cap`, so a month of downtime on an every-minute schedule stays cheap) and the latest one.
 */
export function occurrencesBetween(cron: string, timezone: string, after: number, upTo: number, cap = 100_000): { count: number; latest: number | null } {
  const job = pattern(cron, timezone);
  let count = 0;
  let latest: number | null = null;
  let cursor = new Date(after);
  while (count < cap) {
    const next = job.nextRun(cursor);
    if (!next || next.getTime() > upTo) break;
    count++;
    latest = next.getTime();
    cursor = next;
  }
  return { count, latest };
}
