import { describe, expect, it } from 'vitest';
import { formatUsd, roundUpCents } from './money-format.js';

describe('formatUsd', () => {
  it.each([
    [0, '$0.00'],
    [0.0004, '$0.0004'],
    [0.004, '$0.004'],
    [0.005, '$0.005'],
    [0.0018, '$0.0018'],
    [0.05, '$0.05'],
    [0.135, '$0.135'],
    [0.0498, '$0.0498'],
    [0.00005, '$0.0001'],
    [0.00015, '$0.0002'],
    [0.99994, '$0.9999'],
    [0.99996, '$1.00'],
    [1.005, '$1.01'],
    [2.675, '$2.68'],
    [12.5, '$12.50'],
    [1_234_567.89, '$1,234,567.89'],
    [1_234_567.895, '$1,234,567.90'],
  ])('%s USD is "%s"', (usd, text) => {
    expect(formatUsd(usd)).toBe(text);
  });

  it('shows a tiny positive amount as below the smallest one it can print, never as zero', () => {
    expect(formatUsd(0.00004)).toBe('<$0.0001');
    expect(formatUsd(1e-12)).toBe('<$0.0001');
  });

  it('puts the sign before the dollar and reads negative noise as zero', () => {
    expect([formatUsd(-0.25), formatUsd(-1234.5), formatUsd(-1e-18)]).toEqual(['-$0.25', '-$1,234.50', '$0.00']);
  });

  it('writes a dash for an absent or non-finite amount', () => {
    expect([formatUsd(Number.NaN), formatUsd(-Infinity), formatUsd(null), formatUsd(undefined)]).toEqual(['—', '—', '—', '—']);
  });
});

describe('roundUpCents', () => {
  it('rounds suggested amounts up to whole cents without binary noise', () => {
    expect(roundUpCents(0.101)).toBe(0.11);
    expect(roundUpCents(0.1 + 0.2)).toBe(0.3);
    expect(roundUpCents(1.04)).toBe(1.04);
  });
});
