import { describe, expect, it } from 'vitest';
import { formatDuration, formatUsd, roundUpCents } from './money-format.js';

describe('money format', () => {
  it('rounds suggested amounts up to whole cents without binary noise', () => {
    expect(roundUpCents(0.101)).toBe(0.11);
    expect(roundUpCents(0.1 + 0.2)).toBe(0.3);
    expect(roundUpCents(1.04)).toBe(1.04);
  });

  it('keeps fractions of a cent visible below $1', () => {
    expect([formatUsd(0.135), formatUsd(0.05), formatUsd(0.0018), formatUsd(0), formatUsd(12.5)]).toEqual(['$0.135', '$0.05', '$0.0018', '$0.00', '$12.50']);
  });

  it('formats durations', () => {
    expect([formatDuration(850), formatDuration(12_500), formatDuration(185_000)]).toEqual(['850 ms', '12.5 s', '3m 05s']);
  });
});
