import { IllegalTransitionError } from '../errors.js';

/**
 * Status of one tool call (contract `ToolCallStatus`).
 * - `WAITING_APPROVAL`: its grant says ASK; its step waits until `resolveToolCall`.
 * - `RUNNING`: running now, or approved and about to run when its step goes on.
 * - `SUCCEEDED` / `FAILED` / `TIMED_OUT`: how it ended; the model got the output or the error.
 * - `DENIED`: refused by its grant (DENY) or by a person; it never ran and the model was told.
 * - `CANCELLED`: its step was cancelled (or hit a cap) before or while it ran.
 */
export const ToolCallStatus = {
  WAITING_APPROVAL: 'WAITING_APPROVAL',
  RUNNING: 'RUNNING',
  SUCCEEDED: 'SUCCEEDED',
  FAILED: 'FAILED',
  DENIED: 'DENIED',
  TIMED_OUT: 'TIMED_OUT',
  CANCELLED: 'CANCELLED',
} as const;
export type ToolCallStatus = (typeof ToolCallStatus)[keyof typeof ToolCallStatus];

const allowed: Record<ToolCallStatus, readonly ToolCallStatus[]> = {
  WAITING_APPROVAL: ['RUNNING', 'DENIED', 'CANCELLED'],
  RUNNING: ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED'],
  SUCCEEDED: [],
  FAILED: [],
  DENIED: [],
  TIMED_OUT: [],
  CANCELLED: [],
};

export function canTransitionToolCall(from: ToolCallStatus, to: ToolCallStatus): boolean {
  return allowed[from]?.includes(to) ?? false;
}

/** Returns `to` when allowed, throws {@link IllegalTransitionError} otherwise. */
export function transitionToolCall(from: ToolCallStatus, to: ToolCallStatus): ToolCallStatus {
  if (!canTransitionToolCall(from, to)) throw new IllegalTransitionError('Tool call', from, to);
  return to;
}
