import { describe, expect, it } from 'vitest';
import { formatDuration } from './duration-format.js';

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [850, '850 ms'],
    [999.4, '999 ms'],
    [999.5, '1.0 s'],
    [12_500, '12.5 s'],
    [59_500, '59.5 s'],
    [59_949, '59.9 s'],
    [59_950, '1m 00s'],
    [61_000, '1m 01s'],
    [119_400, '1m 59s'],
    [119_600, '2m 00s'],
    [185_000, '3m 05s'],
    [3_599_499, '59m 59s'],
    [3_599_500, '1h 00m'],
    [3_929_999, '1h 05m'],
    [86_369_999, '23h 59m'],
    [86_399_500, '1d 00h'],
    [183_600_000, '2d 03h'],
  ])('%s ms is "%s"', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('reads a negative duration (clock skew) as zero and an absent or non-finite one as a dash', () => {
    expect([formatDuration(-5), formatDuration(-0.4)]).toEqual(['0 ms', '0 ms']);
    expect([formatDuration(Number.NaN), formatDuration(Infinity), formatDuration(null), formatDuration(undefined)]).toEqual(['—', '—', '—', '—']);
  });

  it('never prints 60 of a smaller unit', () => {
    for (let ms = 0; ms < 200_000_000; ms += 7_919) expect(formatDuration(ms)).not.toMatch(/\b60[sm]|\b24h/);
  });
});
