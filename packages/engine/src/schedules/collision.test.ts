import { describe, expect, it } from 'vitest';
import { findCollision, shiftMinutes } from './collision.js';

const NOW = Date.UTC(2026, 0, 5, 8, 0);
const existing = (name: string, cron: string, timezone = 'UTC') => ({ id: name, name, cron, timezone });

describe('findCollision', () => {
  it('is null without overlap', () => {
    expect(findCollision({ cron: '0 9 * * *', timezone: 'UTC' }, [], NOW)).toBeNull();
    expect(findCollision({ cron: '0 9 * * *', timezone: 'UTC' }, [existing('Digest', '0 10 * * *')], NOW)).toBeNull();
    expect(findCollision({ cron: '0 9 * * 1-5', timezone: 'UTC' }, [existing('Weekend', '0 9 * * 0,6')], NOW)).toBeNull();
  });

  it('warns for the same minute and suggests the nearest free shift', () => {
    const warning = findCollision({ cron: '0 9 * * 1-5', timezone: 'UTC' }, [existing('Digest', '0 9 * * *')], NOW);
    expect(warning).toMatchObject({ overlapping: ['Digest'], firstSharedAt: Date.UTC(2026, 0, 5, 9), suggestedOffsetMinutes: 1, suggestedCron: '1 9 * * 1-5' });
    expect(warning!.message).toBe(
      'Fires in the same minute as "Digest" (first at 5 Jan 2026, 09:00 UTC). Moving it later by 1 minute ("1 9 * * 1-5") avoids the overlap.',
    );
  });

  it('compares instants, so different timezones can collide', () => {
    const warning = findCollision({ cron: '0 10 * * *', timezone: 'Europe/Berlin' }, [existing('UTC nine', '0 9 * * *')], NOW);
    expect(warning?.overlapping).toEqual(['UTC nine']);
  });

  it('skips occupied neighbours and prefers the nearest side', () => {
    const warning = findCollision({ cron: '30 9 * * *', timezone: 'UTC' }, [existing('A', '30 9 * * *'), existing('B', '31 9 * * *')], NOW);
    expect(warning).toMatchObject({ overlapping: ['A'], suggestedOffsetMinutes: -1, suggestedCron: '29 9 * * *' });
  });

  it('shifts every minute of a step schedule', () => {
    const warning = findCollision({ cron: '*/30 * * * *', timezone: 'UTC' }, [existing('Half-hourly', '*/30 * * * *')], NOW);
    expect(warning).toMatchObject({ suggestedOffsetMinutes: 1, suggestedCron: '1,31 * * * *' });
  });

  it('says so when no shift helps', () => {
    const warning = findCollision({ cron: '0 9 * * *', timezone: 'UTC' }, [existing('Every minute', '* * * * *')], NOW);
    expect(warning).toMatchObject({ suggestedOffsetMinutes: null, suggestedCron: null });
    expect(warning!.message).toContain('No shift within 30 minutes avoids it.');
  });
});

describe('shiftMinutes', () => {
  it('shifts plain, list and step minute fields, never across an hour', () => {
    expect(shiftMinutes('5 9 * * *', 2)).toBe('7 9 * * *');
    expect(shiftMinutes('0,30 * * * *', 5)).toBe('5,35 * * * *');
    expect(shiftMinutes('*/20 * * * *', -1)).toBeNull();
    expect(shiftMinutes('*/20 * * * *', 1)).toBe('1,21,41 * * * *');
    expect(shiftMinutes('59 9 * * *', 1)).toBeNull();
    expect(shiftMinutes('* * * * *', 1)).toBeNull();
  });
});
