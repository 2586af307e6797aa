import { describe, expect, it } from 'vitest';
import { canResume, capText, resumeTurn, reuseText, suggestedCap } from './resume-format';

describe('resume figures', () => {
  it('suggests double the cap, or double the spend when a paused step spent past double its cap', () => {
    expect(suggestedCap({ status: 'PAUSED', costUsd: 0.4, budgetUsd: 0.5 })).toBe(1);
    expect(suggestedCap({ status: 'PAUSED', costUsd: 0.0003, budgetUsd: 0.0001 })).toBe(0.0006);
    expect(suggestedCap({ status: 'FAILED', costUsd: 0.0003, budgetUsd: 0.0001 })).toBe(0.0002);
  });

  it('writes caps without exponents or float noise', () => {
    expect(capText(0.0002)).toBe('0.0002');
    expect(capText(0.1 + 0.2)).toBe('0.3');
    expect(capText(1e-7)).toBe('0');
  });

  it('offers a resume to a paused step, and to a failed one with completed turns in a failed run', () => {
    expect(canResume({ status: 'PAUSED', turns: 1 }, 'PAUSED')).toBe(true);
    expect(canResume({ status: 'FAILED', turns: 2 }, 'FAILED')).toBe(true);
    expect(canResume({ status: 'FAILED', turns: 0 }, 'FAILED')).toBe(false);
    expect(canResume({ status: 'FAILED', turns: 2 }, 'RUNNING')).toBe(false);
    expect(canResume({ status: 'COMPLETED', turns: 2 }, 'COMPLETED')).toBe(false);
    expect(resumeTurn({ turns: 3 })).toBe(4);
  });

  it('says what a resume kept', () => {
    expect(reuseText({ turnsReused: 0, reusedUsd: 0 })).toBeNull();
    expect(reuseText({ turnsReused: 2, reusedUsd: 0.0031 })).toBe('Resumed at turn 3: $0.0031 of earlier work reused');
  });
});
