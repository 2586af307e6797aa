import { formatUsd } from '@stagent/engine/format';

/** A step as far as resuming it goes: what it spent, its cap, its turns and what a resume kept. */
export interface ResumableStep {
  status: string;
  costUsd: number;
  budgetUsd: number;
  turns: number;
  turnsReused: number;
  reusedUsd: number;
}

/** A USD amount as the cap input shows it: plain decimals, at most 6, no exponent. */
export function capText(usd: number): string {
  return String(Number(usd.toFixed(6)));
}

/**
 * The cap a resume form starts from: double the step's current cap. A paused step may have spent
 * past its cap in the turn that reached it; a cap at or below that is refused, so then it is double
 * what it spent.
 */
export function suggestedCap(step: Pick<ResumableStep, 'status' | 'costUsd' | 'budgetUsd'>): number {
  const doubled = step.budgetUsd * 2;
  const floor = step.status === 'PAUSED' ? step.costUsd : 0;
  return Number((doubled > floor ? doubled : floor * 2).toFixed(6));
}

/** The turn a resume goes on from: the one after the last completed (journaled) turn. */
export function resumeTurn(step: Pick<ResumableStep, 'turns'>): number {
  return step.turns + 1;
}

/** Whether a step can be offered a resume: paused at a cap, or failed (in a failed run) after completed turns. */
export function canResume(step: Pick<ResumableStep, 'status' | 'turns'>, runStatus: string): boolean {
  return step.status === 'PAUSED' || (step.status === 'FAILED' && runStatus === 'FAILED' && step.turns > 0);
}

/** "Resumed at turn N: $X of earlier work reused", or null when the step was not resumed. */
export function reuseText(step: Pick<ResumableStep, 'turnsReused' | 'reusedUsd'>): string | null {
  if (!(step.turnsReused > 0)) return null;
  return `Resumed at turn ${step.turnsReused + 1}: ${formatUsd(step.reusedUsd)} of earlier work reused`;
}
