import { describe, expect, it } from 'vitest';
import { formatCount, formatPercent, formatQuantity, nounFor } from './count-format.js';

describe('formatCount', () => {
  it('groups thousands and rounds to a whole count', () => {
    expect([formatCount(0), formatCount(999), formatCount(12_000), formatCount(1_234_567), formatCount(2.5), formatCount(-1500)]).toEqual([
      '0',
      '999',
      '12,000',
      '1,234,567',
      '3',
      '-1,500',
    ]);
  });

  it('writes a dash for an absent or non-finite count', () => {
    expect([formatCount(Number.NaN), formatCount(null), formatCount(undefined)]).toEqual(['—', '—', '—']);
  });
});

describe('formatPercent', () => {
  it('rounds a ratio to whole percent, half away from zero', () => {
    expect([formatPercent(0), formatPercent(0.905), formatPercent(0.125), formatPercent(1), formatPercent(Number.NaN)]).toEqual([
      '0%',
      '91%',
      '13%',
      '100%',
      '—',
    ]);
  });
});

describe('formatQuantity', () => {
  it('uses the singular for exactly one and the plural otherwise', () => {
    expect([formatQuantity(0, 'step'), formatQuantity(1, 'step'), formatQuantity(2, 'step'), formatQuantity(12_000, 'token')]).toEqual([
      '0 steps',
      '1 step',
      '2 steps',
      '12,000 tokens',
    ]);
    expect([nounFor(1, 'retry', 'retries'), nounFor(3, 'retry', 'retries')]).toEqual(['retry', 'retries']);
  });
});
