import { describe, expect, it } from 'vitest';
import { analyzePrompt, PromptWarningKind } from './prompt-analyzer.js';

const kinds = (prompt: string) => analyzePrompt(prompt).warnings.map((w) => w.kind);

describe('analyzePrompt', () => {
  it('a plain digest prompt has no warnings and a small estimate', () => {
    expect(analyzePrompt('Send me a daily news digest.')).toEqual({ estimatedTurns: 4, warnings: [] });
  });

  it('a batched lookup of a few items is fine', () => {
    expect(kinds('Search for the latest prices of AMZN GOOGL NVDA AAPL in one query and summarise them.')).toEqual([]);
  });

  it.each([
    'For each stock in my portfolio, look up the price.',
    'For every market, check the spread.',
    'Check each ticker individually and report.',
    'Go through the rows one by one and update the status.',
    'Fetch the page per-url and store it.',
    'Search for AAPL news then search for MSFT news.',
  ])('flags a per-item loop: %s', (prompt) => {
    expect(kinds(prompt)).toContain(PromptWarningKind.PER_ITEM_LOOP);
  });

  it('flags large lists written as a count, a comma list or bullets', () => {
    expect(kinds('Check all 32 markets and summarise.')).toEqual([PromptWarningKind.LARGE_LIST]);
    expect(kinds('Summarise news for AAPL, MSFT, NVDA, AMZN, GOOGL, META, TSLA, NFLX, AMD, INTC, ORCL.')).toContain(PromptWarningKind.LARGE_LIST);
    const bullets = Array.from({ length: 12 }, (_, i) => `- site ${i}`).join('\n');
    expect(analyzePrompt(`Summarise these:\n${bullets}`).warnings.map((w) => w.message)).toEqual([expect.stringContaining('list of 12 items')]);
    expect(kinds('Compare these 3 reports.')).toEqual([]);
  });

  it('estimates turns: 3 plus one per action, multiplied by the list size inside a loop', () => {
    expect(analyzePrompt('Search the web and read the top result, then write a summary.').estimatedTurns).toBe(6);
    expect(analyzePrompt('For each of the 20 stocks, fetch the price and check the news.').estimatedTurns).toBe(3 + 2 * 20);
    expect(analyzePrompt('For each item, fetch it.').estimatedTurns).toBe(3 + 10);
  });

  it('warns above 30 estimated turns, in kind order', () => {
    const result = analyzePrompt('For each of the 40 tickers, look up the price.');
    expect(result.estimatedTurns).toBe(43);
    expect(result.warnings.map((w) => w.kind)).toEqual([PromptWarningKind.PER_ITEM_LOOP, PromptWarningKind.LARGE_LIST, PromptWarningKind.HIGH_TURN_ESTIMATE]);
    expect(result.warnings[2].message).toContain('Estimated 43 turns per firing');
    expect(kinds('search '.repeat(35))).toEqual([PromptWarningKind.HIGH_TURN_ESTIMATE]);
  });
});
