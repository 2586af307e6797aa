import { describe, expect, it } from 'vitest';
import { createBm25Index, tokenize } from './bm25.js';

describe('tokenize', () => {
  it('lower-cases, drops stop words and one-letter runs, folds plurals', () => {
    expect(tokenize('The Pricing sheets, and the policies of a CEO!')).toEqual(['pricing', 'sheet', 'policy', 'ceo']);
    expect(tokenize('class status')).toEqual(['class', 'status']);
    // Generic references to inputs and file extensions say nothing about which document is meant.
    expect(tokenize('Summarise the attached documents and files in pricing.md')).toEqual(['summarise', 'pricing']);
  });
});

describe('BM25', () => {
  const index = createBm25Index([
    { id: 'pricing', text: 'Pricing sheet. Tier prices, volume discounts and list prices per seat.' },
    { id: 'style', text: 'Style guide. Voice, tone, headings and punctuation for every document.' },
    { id: 'both', text: 'Pricing announcement style notes.' },
  ]);

  it('ranks the document that shares the distinctive terms first', () => {
    const scores = index.score('Compute the volume discounts from the pricing sheet');
    expect(scores.get('pricing')!).toBeGreaterThan(scores.get('both')!);
    expect(scores.get('style')).toBe(0);
  });

  it('scores 0 for a query with no shared term, and never negative', () => {
    const scores = index.score('Translate into French');
    expect([...scores.values()]).toEqual([0, 0, 0]);
    const common = index.score('pricing style');
    for (const s of common.values()) expect(s).toBeGreaterThanOrEqual(0);
  });

  it('saturates repeated terms (k1) instead of growing linearly', () => {
    const one = createBm25Index([
      { id: 'a', text: 'budget' },
      { id: 'b', text: 'other words here' },
    ])
      .score('budget')
      .get('a')!;
    const many = createBm25Index([
      { id: 'a', text: 'budget '.repeat(50) },
      { id: 'b', text: 'other words here' },
    ])
      .score('budget')
      .get('a')!;
    expect(many).toBeGreaterThan(one);
    expect(many).toBeLessThan(one * 2.2);
  });
});
