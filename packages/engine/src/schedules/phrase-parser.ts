import { excerpt, quote } from '../input-excerpt.js';
import { ScheduleExpressionError } from './expression-error.js';
import { tokenize } from './phrase-tokens.js';
import { partOfDayOf, resolveTimesOfDay, type PartOfDay } from './part-of-day.js';
import { englishList, looksLikeTime, parseTimeToken, readWrittenTime, type TimeOfDay, type WrittenTime } from './time-of-day.js';
import { daySet, FILLER, numberOf, ordinalOf, readInterval, unitOf, type Unit } from './vocabulary.js';

/** Units a cron expression can repeat on (weeks and years have no cron counter). */
export type RepeatUnit = 'minute' | 'hour' | 'day' | 'month';

/**
 * What a phrase asks for, before it becomes cron. Every field is optional: the builder
 * ({@link buildCron}) fills defaults (09:00, Monday, the 1st) and rejects combinations cron
 * cannot express.
 */
export interface ScheduleSpec {
  /** Repeat every `n` units, e.g. every 15 minutes. */
  every?: { unit: RepeatUnit; n: number; text: string };
  /** Cron weekday numbers (0 Sunday ... 6 Saturday). */
  daysOfWeek?: number[];
  /** Days of the month, 1-31. */
  daysOfMonth?: number[];
  /** Clock times in the schedule's timezone: the times written, else the named parts of day's hours. */
  times?: TimeOfDay[];
  /** `weekly`: once a week (Monday unless days are given). */
  weekly?: boolean;
  /** `yearly`: once a year (January). */
  yearly?: boolean;
  /** `twice a day`: two times (09:00 and 17:00 unless given). */
  twiceADay?: boolean;
  /** `between 9am and 5pm`: limits an interval to these hours (whole hours only). */
  window?: { from: TimeOfDay; to: TimeOfDay };
}

const DAY_RANGE_WORDS = new Set(['to', 'through', 'thru', 'until', '-']);

/**
 * Reads a natural-language phrase into a {@link ScheduleSpec}. Word order is free ("at 9am on
 * weekdays" equals "weekdays at 9am"). Throws {@link ScheduleExpressionError} naming the first
 * word or clause it could not understand.
 */
export function parsePhrase(phrase: string): ScheduleSpec {
  return new PhraseReader(tokenize(phrase)).read();
}

class PhraseReader {
  private i = 0;
  private readonly spec: ScheduleSpec = {};
  /** Times as written; settled against {@link parts} once the whole phrase is read (word order is free). */
  private readonly written: WrittenTime[] = [];
  private readonly parts = new Set<PartOfDay>();

  constructor(private readonly tokens: string[]) {}

  read(): ScheduleSpec {
    if (!this.tokens.length) throw new ScheduleExpressionError('The expression is empty.');
    while (this.i < this.tokens.length) this.clause();
    const every = this.spec.every;
    if (this.parts.size && (every?.unit === 'minute' || every?.unit === 'hour'))
      throw new ScheduleExpressionError(
        `${quote(every.text)} fires around the clock; a part of the day (${englishList([...this.parts])}) does not limit it. Give it a window instead, as in "${excerpt(every.text)} between 9am and noon".`,
      );
    const times = resolveTimesOfDay(this.written, [...this.parts]);
    if (times.length) {
      const unique = new Map(times.map((t) => [t.hour * 60 + t.minute, t]));
      this.spec.times = [...unique.values()].sort((a, b) => a.hour * 60 + a.minute - (b.hour * 60 + b.minute));
    }
    return this.spec;
  }

  private peek(offset = 0): string | undefined {
    return this.tokens[this.i + offset];
  }

  private clause(): void {
    const t = this.tokens[this.i++];
    if (t === 'every' || t === 'each') return this.every(t);
    if (t === 'on') return this.on();
    if (t === 'at' && partOfDayOf(this.peek() ?? '')) return this.partOfDay(this.tokens[this.i++]);
    if (t === 'at') return this.times(true);
    if (t === 'between' || t === 'from') return this.window(t);
    if (t === 'in' && this.peek() === 'the' && partOfDayOf(this.peek(1) ?? '')) {
      this.i += 2;
      return this.partOfDay(this.tokens[this.i - 1]);
    }
    if (t === 'and' || t === 'the' || t === 'of') return this.connective(t);
    if (partOfDayOf(t)) return this.partOfDay(t);
    const interval = readInterval(this.tokens, this.i - 1);
    if (interval) {
      this.i += interval.width - 1;
      return this.repeat(interval.unit, interval.n, interval.text);
    }
    if (t === 'daily') return this.setEvery('day', 1, t);
    if (t === 'nightly') {
      this.parts.add('night');
      return this.setEvery('day', 1, t);
    }
    if (t === 'hourly') return this.setEvery('hour', 1, t);
    if (t === 'weekly') return this.setWeekly(t);
    if (t === 'monthly') return this.setEvery('month', 1, t);
    if (t === 'quarterly') return this.setEvery('month', 3, t);
    if (t === 'yearly' || t === 'annually') {
      this.spec.yearly = true;
      return this.setEvery('month', 1, t);
    }
    if (t === 'biweekly' || t === 'fortnightly') throw this.everyOtherWeek(t);
    if (t === 'twice') return this.twice();
    if (t === 'last')
      throw new ScheduleExpressionError(
        '"last" (the last day or weekday of a month) cannot be expressed in standard 5-field cron. Use a fixed day, as in "monthly on the 28th".',
      );
    if (ordinalOf(t) !== null) return this.monthDays(this.i - 1);
    if (daySet(t)) return this.days(this.i - 1);
    if (looksLikeTime(t) || readWrittenTime(t)) {
      this.i--;
      return this.times(false);
    }
    throw this.unknown(t);
  }

  /** "morning", "in the evening", "at night": when no time is written, the part's hour; else it settles the times. */
  private partOfDay(word: string): void {
    this.parts.add(partOfDayOf(word)!);
  }

  private connective(t: string): void {
    if (t === 'the' && this.peek() !== undefined && ordinalOf(this.peek()!) !== null) return this.monthDays(this.i);
    if (t === 'of' && (this.peek() === 'every' || this.peek() === 'each' || this.peek() === 'the') && this.peek(1) === 'month') {
      this.i += 2;
      return this.setEvery('month', 1, 'of every month', true);
    }
    if (t === 'of' && this.peek() === 'month') {
      this.i++;
      return this.setEvery('month', 1, 'of every month', true);
    }
    if (t === 'and' && this.i > 1 && this.i < this.tokens.length) return;
    throw new ScheduleExpressionError(`${quote(t)} is not followed by anything I understand${this.peek() ? ` (${quote(this.peek()!)})` : ''}.`);
  }

  private every(word: string): void {
    const t = this.peek();
    if (t === undefined)
      throw new ScheduleExpressionError(`${quote(word)} must be followed by a unit, a day or a number, as in "every 15 minutes" or "every monday".`);
    if (t === 'other' || (t === 'second' && this.peek(1) !== undefined && unitOf(this.peek(1)!) !== 'second')) return this.everyNth(2, t);
    if (t === 'third' || t === 'fourth') return this.everyNth(ordinalOf(t)!, t);
    const interval = readInterval(this.tokens, this.i);
    if (interval) {
      this.i += interval.width;
      return this.repeat(interval.unit, interval.n, `${word} ${interval.text}`);
    }
    if (numberOf(t) !== null)
      throw new ScheduleExpressionError(
        `${quote(`${word} ${t}`)} needs a unit after the number: minutes, hours, days or months (e.g. "${word} ${excerpt(t)} minutes" or "${word} ${excerpt(t)}m").`,
      );
    const unit = unitOf(t);
    if (unit) {
      this.i++;
      return this.repeat(unit, 1, `${word} ${t}`);
    }
    if (partOfDayOf(t)) {
      this.i++;
      this.partOfDay(t);
      return this.setEvery('day', 1, `${word} ${t}`);
    }
    if (daySet(t)) return this.days(this.i);
    this.i++;
    throw this.unknown(t, `after ${quote(word)}`);
  }

  private everyNth(n: number, word: string): void {
    const target = this.peek(1);
    this.i += 2;
    if (target === undefined) throw new ScheduleExpressionError(`"every ${word}" must be followed by a unit, as in "every ${word} hour".`);
    const unit = unitOf(target);
    if (unit) return this.repeat(unit, n, `every ${word} ${target}`);
    const days = daySet(target);
    if (days)
      throw new ScheduleExpressionError(
        `"every ${word} ${target}" cannot be expressed in cron: cron has no week counter, so it can only fire on every ${target.replace(/s$/, '')}. Use "every ${target.replace(/s$/, '')}" or two schedules.`,
      );
    throw this.unknown(target, `after "every ${word}"`);
  }

  private repeat(unit: Unit, n: number, text: string): void {
    if (unit === 'second') throw new ScheduleExpressionError(`Seconds are not supported (${quote(text)}): the smallest interval is 1 minute.`);
    if (n <= 0) throw new ScheduleExpressionError(`${quote(text)}: the interval must be at least 1.`);
    if (unit === 'week') {
      if (n === 1) return this.setWeekly(text);
      throw this.everyOtherWeek(text);
    }
    if (unit === 'year') {
      if (n !== 1) throw new ScheduleExpressionError(`${quote(text)} cannot be expressed in cron: it has no year counter. Use "yearly".`);
      this.spec.yearly = true;
      return this.setEvery('month', 1, text);
    }
    this.setEvery(unit, n, text);
  }

  private everyOtherWeek(text: string): ScheduleExpressionError {
    return new ScheduleExpressionError(
      `${quote(text)} cannot be expressed in cron: cron has no week counter, so a schedule can fire every week on chosen days but not every second week. Use "weekly" or "every monday".`,
    );
  }

  private setWeekly(text: string): void {
    this.spec.weekly = true;
    if (this.spec.every) throw this.twoRepeats(text);
  }

  private setEvery(unit: RepeatUnit, n: number, text: string, mergeMonthly = false): void {
    const current = this.spec.every;
    if (current && mergeMonthly && current.unit === 'month') return;
    if (current || this.spec.weekly) throw this.twoRepeats(text);
    this.spec.every = { unit, n, text };
  }

  private twoRepeats(text: string): ScheduleExpressionError {
    const first = this.spec.every?.text ?? 'weekly';
    return new ScheduleExpressionError(`The expression repeats twice (${quote(first)} and ${quote(text)}); keep one of them.`);
  }

  private on(): void {
    const t = this.peek();
    if (t === 'the' && this.peek(1) !== undefined && ordinalOf(this.peek(1)!) !== null) return this.monthDays(this.i + 1);
    if (t !== undefined && ordinalOf(t) !== null) return this.monthDays(this.i);
    if (t !== undefined && daySet(t)) return this.days(this.i);
    if (t === undefined)
      throw new ScheduleExpressionError('"on" must be followed by a day ("on mondays", "on weekdays") or a day of the month ("on the 1st").');
    this.i++;
    throw this.unknown(t, 'after "on"');
  }

  private days(start: number): void {
    this.i = start;
    const days = new Set(this.spec.daysOfWeek ?? []);
    for (;;) {
      const set = daySet(this.tokens[this.i] ?? '');
      if (!set) break;
      this.i++;
      if (DAY_RANGE_WORDS.has(this.peek() ?? '') && set.length === 1) {
        const end = daySet(this.peek(1) ?? '');
        if (!end || end.length !== 1 || end[0] < set[0])
          throw new ScheduleExpressionError(
            `${quote(`${this.tokens[this.i - 1]} ${this.peek()} ${this.peek(1) ?? ''}`)} is not a day range I understand; write it from the earlier to the later day, as in "monday to friday".`,
          );
        for (let d = set[0]; d <= end[0]; d++) days.add(d);
        this.i += 2;
      } else set.forEach((d) => days.add(d));
      if ((this.peek() === 'and' || this.peek() === 'or') && daySet(this.peek(1) ?? '')) this.i++;
    }
    this.spec.daysOfWeek = [...days].sort((a, b) => a - b);
  }

  private monthDays(start: number): void {
    this.i = start;
    const days = new Set(this.spec.daysOfMonth ?? []);
    for (;;) {
      const n = ordinalOf(this.tokens[this.i] ?? '');
      if (n === null) break;
      if (n < 1 || n > 31) throw new ScheduleExpressionError(`${quote(this.tokens[this.i])} is not a day of the month: months have days 1-31.`);
      const next = this.tokens[this.i + 1];
      if (next !== undefined && daySet(next))
        throw new ScheduleExpressionError(
          `${quote(`${this.tokens[this.i]} ${next}`)} (an nth weekday of the month) cannot be expressed in 5-field cron. Use a day of the month, as in "monthly on the 1st".`,
        );
      days.add(n);
      this.i++;
      if (this.peek() === 'and' && ordinalOf(this.peek(1) ?? '') !== null) this.i++;
    }
    if (this.peek() === 'day' || this.peek() === 'days') this.i++;
    this.spec.daysOfMonth = [...days].sort((a, b) => a - b);
  }

  private times(afterAt: boolean): void {
    const times: WrittenTime[] = [];
    for (;;) {
      const t = this.peek();
      if (t === undefined) break;
      const time = readWrittenTime(t);
      if (time) times.push(time);
      else if (/^\d{1,4}$/.test(t))
        throw new ScheduleExpressionError(`${quote(t)} is not a clear time: write it with am/pm or as 24-hour hh:mm (e.g. "9am", "9pm" or "09:00").`);
      else if (/^\d/.test(t)) throw new ScheduleExpressionError(`${quote(t)} is not a time I understand: use forms like 9am, 9:30pm, 14:00, noon or midnight.`);
      else break;
      this.i++;
      if (this.peek() === 'and' && this.peek(1) !== undefined && (readWrittenTime(this.peek(1)!) || /^\d/.test(this.peek(1)!))) this.i++;
    }
    if (!times.length) {
      const t = this.peek();
      throw new ScheduleExpressionError(
        afterAt
          ? `"at" must be followed by a time such as 9am, 14:30, noon or midnight${t ? `, not ${quote(t)}` : ''}.`
          : 'Expected a time such as 9am, 14:30, noon or midnight.',
      );
    }
    this.written.push(...times);
  }

  private window(word: string): void {
    const from = parseTimeToken(this.peek() ?? '');
    const joiner = this.peek(1);
    const to = parseTimeToken(this.peek(2) ?? '');
    const expected = word === 'between' ? 'and' : 'to';
    if (!from || joiner !== expected || !to)
      throw new ScheduleExpressionError(`${quote(word)} must be followed by two times, as in "${word} 9am ${expected} 5pm".`);
    this.i += 3;
    this.spec.window = { from, to };
  }

  private twice(): void {
    const next = this.peek();
    if (next === 'daily') this.i += 1;
    else if ((next === 'a' || next === 'per' || next === 'each' || next === 'every') && this.peek(1) === 'day') this.i += 2;
    else throw new ScheduleExpressionError('"twice" is only understood as "twice a day" or "twice daily".');
    this.spec.twiceADay = true;
    this.setEvery('day', 1, 'twice a day');
  }

  private unknown(word: string, where = ''): ScheduleExpressionError {
    const hint = FILLER.has(word)
      ? ''
      : ' Write intervals as "every 15 minutes", days as "weekdays" or "mon, wed and fri", times as 9am, 14:30, noon or midnight.';
    return new ScheduleExpressionError(`I did not understand ${quote(word)}${where ? ` ${where}` : ''}.${hint}`, { unknownWord: word });
  }
}
