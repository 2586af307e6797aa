import { assertNever } from '../errors.js';

/**
 * Why a task failed, decided where the failure happened (SDK error class, HTTP status, abort
 * reason, cap check), never by reading message text afterwards.
 * - `BUDGET_EXCEEDED`: the cost cap, token cap or daily spend cap stopped the task.
 * - `TURN_LIMIT`: the model used every turn it was allowed.
 * - `TIMEOUT`: the deadline passed (stalled stream, slow provider).
 * - `RATE_LIMITED`: HTTP 429 that retries did not overcome.
 * - `PROVIDER_OVERLOADED`: HTTP 529 / "overloaded" that retries did not overcome.
 * - `CONNECTION`: refused, reset or unreachable network.
 * - `AUTH`: missing or rejected credentials (HTTP 401/403).
 * - `CONTEXT_TOO_LARGE`: the prompt exceeds the model's context window.
 * - `INVALID_REQUEST`: the provider rejected the request (HTTP 400, unknown model...).
 * - `CANCELLED`: a user cancelled; not a failure of the work itself.
 * - `TOOL_ERROR`: the step's tool calls kept failing (the tool's name and error are the evidence).
 * - `CRASHED`: the process running the task died (it exited, or its lease expired without a heartbeat).
 * - `UNKNOWN`: anything else; the message is kept as evidence.
 */
export const FailureCategory = {
  BUDGET_EXCEEDED: 'BUDGET_EXCEEDED',
  TURN_LIMIT: 'TURN_LIMIT',
  TIMEOUT: 'TIMEOUT',
  RATE_LIMITED: 'RATE_LIMITED',
  PROVIDER_OVERLOADED: 'PROVIDER_OVERLOADED',
  CONNECTION: 'CONNECTION',
  AUTH: 'AUTH',
  CONTEXT_TOO_LARGE: 'CONTEXT_TOO_LARGE',
  INVALID_REQUEST: 'INVALID_REQUEST',
  CANCELLED: 'CANCELLED',
  CRASHED: 'CRASHED',
  TOOL_ERROR: 'TOOL_ERROR',
  UNKNOWN: 'UNKNOWN',
} as const;
export type FailureCategory = (typeof FailureCategory)[keyof typeof FailureCategory];

/** A provider or engine failure classified at its source, persisted on the task and step run. */
export interface ClassifiedFailure {
  category: FailureCategory;
  /** The provider's own message (or the engine's), kept verbatim as evidence except for secrets (redacted where it enters the engine: secret-redaction.ts). */
  message: string;
  /** Whether retrying the same call may succeed. */
  retryable: boolean;
  /** Provider-requested wait before a retry (from `retry-after`), in ms. */
  retryAfterMs?: number;
  /** HTTP status when the failure came from an HTTP response. */
  httpStatus?: number;
}

/** What the engine does with a failure of each category. Exhaustive: a new category breaks `tsc`. */
export function failureDisposition(category: FailureCategory): { retryCall: boolean; taskStatus: 'FAILED' | 'CANCELLED' } {
  switch (category) {
    case 'RATE_LIMITED':
    case 'PROVIDER_OVERLOADED':
    case 'CONNECTION':
      return { retryCall: true, taskStatus: 'FAILED' };
    case 'CANCELLED':
      return { retryCall: false, taskStatus: 'CANCELLED' };
    case 'BUDGET_EXCEEDED':
    case 'TURN_LIMIT':
    case 'TIMEOUT':
    case 'AUTH':
    case 'CONTEXT_TOO_LARGE':
    case 'INVALID_REQUEST':
    case 'CRASHED':
    case 'TOOL_ERROR':
    case 'UNKNOWN':
      return { retryCall: false, taskStatus: 'FAILED' };
    default:
      return assertNever(category, 'FailureCategory');
  }
}
