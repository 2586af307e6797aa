import { categoryForStatus, failure } from './error-classification.js';
import type { ClassifiedFailure } from './failure-category.js';

/**
 * Failure categories from the Codex app server's error events, for failures the provider proxy
 * did not classify itself (a stream that broke after bytes reached Codex). A failed turn carries a
 * `TurnError` whose `codexErrorInfo` names the failure (`unauthorized`, `contextWindowExceeded`,
 * `{ httpConnectionFailed: { httpStatusCode } }`...), with the upstream HTTP status where there
 * was one; the CLI's message (which quotes the provider's) is kept as evidence.
 */

/** `TurnError` of the app-server protocol (v2), the fields read here. */
export interface CodexTurnError {
  message: string;
  codexErrorInfo?: unknown;
  additionalDetails?: string | null;
}

/** Named `codexErrorInfo` values and the category each stands for. */
const NAMED: Record<string, { category: ClassifiedFailure['category']; retryable: boolean }> = {
  contextWindowExceeded: { category: 'CONTEXT_TOO_LARGE', retryable: false },
  usageLimitExceeded: { category: 'RATE_LIMITED', retryable: false },
  sessionBudgetExceeded: { category: 'BUDGET_EXCEEDED', retryable: false },
  rateLimitExceeded: { category: 'RATE_LIMITED', retryable: true },
  serverOverloaded: { category: 'PROVIDER_OVERLOADED', retryable: true },
  flexUnavailable: { category: 'PROVIDER_OVERLOADED', retryable: true },
  policyCapacityUnavailable: { category: 'PROVIDER_OVERLOADED', retryable: true },
  modelNotFound: { category: 'INVALID_REQUEST', retryable: false },
  unauthorized: { category: 'AUTH', retryable: false },
  badRequest: { category: 'INVALID_REQUEST', retryable: false },
  internalServerError: { category: 'UNKNOWN', retryable: true },
  sandboxError: { category: 'TOOL_ERROR', retryable: false },
};

/** The `{ variant: { httpStatusCode } }` forms: transport-level failures, with the status when the server answered. */
const TRANSPORT = new Set(['httpConnectionFailed', 'responseStreamConnectionFailed', 'responseStreamDisconnected', 'responseTooManyFailedAttempts']);

/** Classifies a Codex turn error. */
export function classifyCodexError(error: CodexTurnError): ClassifiedFailure {
  const info = error.codexErrorInfo;
  const message = error.additionalDetails ? `${error.message} (${error.additionalDetails})` : error.message;
  if (typeof info === 'string' && NAMED[info]) {
    const named = NAMED[info];
    return failure(named.category, message, { retryable: named.retryable });
  }
  if (info && typeof info === 'object') {
    const [variant, detail] = Object.entries(info as Record<string, unknown>)[0] ?? [];
    const status = (detail as { httpStatusCode?: number | null } | undefined)?.httpStatusCode ?? undefined;
    if (variant && TRANSPORT.has(variant)) {
      if (status) {
        const byStatus = categoryForStatus(status);
        return failure(byStatus.category, message, { retryable: byStatus.retryable, httpStatus: status });
      }
      return failure('CONNECTION', message, { retryable: true });
    }
  }
  // `other` and unknown variants: the CLI's words decide only for a dropped stream.
  if (/stream disconnected|error sending request|connection (reset|refused|closed)/i.test(error.message))
    return failure('CONNECTION', message, { retryable: true });
  return failure('UNKNOWN', message, { retryable: false });
}
