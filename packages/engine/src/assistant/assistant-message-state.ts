import { IllegalTransitionError } from '../errors.js';

/**
 * Status of one assistant message (`AssistantMessageStatus`).
 * - `STREAMING`: the answer is being written (a model call or a tool runs).
 * - `WAITING_APPROVAL`: its last turn asked for tools that wait for a person; `resolveToolCall` lets it go on.
 * - `COMPLETED`: answered (a user's message is stored COMPLETED).
 * - `FAILED`: it stopped without an answer (a cap, a provider failure, a restart mid-answer); `error` says why.
 */
export const AssistantMessageStatus = {
  STREAMING: 'STREAMING',
  WAITING_APPROVAL: 'WAITING_APPROVAL',
  COMPLETED: 'COMPLETED',
  FAILED: 'FAILED',
} as const;
export type AssistantMessageStatus = (typeof AssistantMessageStatus)[keyof typeof AssistantMessageStatus];

const allowed: Record<AssistantMessageStatus, readonly AssistantMessageStatus[]> = {
  STREAMING: ['WAITING_APPROVAL', 'COMPLETED', 'FAILED'],
  WAITING_APPROVAL: ['STREAMING', 'FAILED'],
  COMPLETED: [],
  FAILED: [],
};

/** Returns `to` when allowed, throws {@link IllegalTransitionError} otherwise. */
export function transitionAssistantMessage(from: AssistantMessageStatus, to: AssistantMessageStatus): AssistantMessageStatus {
  if (!allowed[from]?.includes(to)) throw new IllegalTransitionError('Assistant message', from, to);
  return to;
}
