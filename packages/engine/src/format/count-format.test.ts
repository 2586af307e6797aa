import { describe, expect, it } from 'vitest';
import { formatCount, formatPercent } from './count-format.js';

describe('formatCount', () => {
  it('groups thousands and rounds to a whole count', () => {
    expect([formatCount(0), formatCount(999), formatCount(12_000), formatCount(1_234_567), formatCount(2.5), formatCount(-1500)]).toEqual(['0', '999', '12,000', '1,234,567', '3', '-1,500']);
  });

  it('writes a dash for an absent or non-finite count', () => {
    expect([formatCount(Number.NaN), formatCount(null), formatCount(undefined)]).toEqual(['—', '—', '—']);
  });
});

describe('formatPercent', () => {
  it('rounds a ratio to whole percent, half away from zero', () => {
    expect([formatPercent(0), formatPercent(0.905), formatPercent(0.125), formatPercent(1), formatPercent(Number.NaN)]).toEqual(['0%', '91%', '13%', '100%', '—']);
  });
});
