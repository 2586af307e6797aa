import type { ClassifiedFailure } from './failure-category.js';
import type { RuntimeAdapter, RuntimeHooks, RuntimeRequest, RuntimeResult } from './runtime.js';

/**
 * Provider text (an HTTP error body, an SSE error event, a CLI's message) is copied into step
 * errors, evidence, events and logs, so it must never carry a credential: some providers and
 * proxies echo the presented key in a 401 body. Every failure an adapter reports passes through
 * {@link runRedacted} before the engine sees it, and loses every configured secret value and
 * every key-shaped token.
 */

/** What a removed secret reads as. */
export const REDACTED = '[redacted]';

/** Configured values shorter than this are not searched for (a 1-character "secret" would blank every message). */
export const MIN_SECRET_LENGTH = 6;

/**
 * Tokens that look like credentials whatever configured them: `sk-…` keys (OpenAI's
 * `sk-proj-…`, Anthropic's `sk-ant-…`), and a bearer credential (16 characters or more, so
 * prose such as "Bearer authentication" stays).
 */
const SK_KEY = /\bsk-[A-Za-z0-9_-]{6,}/g;
const BEARER = /\b(Bearer\s+)[A-Za-z0-9._~+/=-]{16,}/gi;

/** `text` with every secret value (longest first, so a key containing another goes whole) and key-shaped token replaced by {@link REDACTED}. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  const values = [...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
  for (const value of values) out = out.split(value).join(REDACTED);
  out = out.replace(SK_KEY, REDACTED);
  out = out.replace(BEARER, (_match, scheme: string) => `${scheme}${REDACTED}`);
  return out;
}

/** A failure whose message carries no secret. */
export function redactFailure(failure: ClassifiedFailure, secrets: readonly string[]): ClassifiedFailure {
  const message = redactSecrets(failure.message, secrets);
  return message === failure.message ? failure : { ...failure, message };
}

/**
 * Runs one task on `adapter` with every failure it reports redacted: the retries announced
 * through `hooks.onRetry`, the result's failure, and the message of anything it throws. This is
 * where provider errors enter the engine; everything downstream (task and step rows, evidence,
 * events, debug analysis, logs) only ever sees the redacted text.
 */
export async function runRedacted(adapter: RuntimeAdapter, request: RuntimeRequest, hooks: RuntimeHooks, secrets: readonly string[]): Promise<RuntimeResult> {
  const guarded: RuntimeHooks = {
    onTurnStart: (turn) => hooks.onTurnStart(turn),
    onOutputDelta: (text) => hooks.onOutputDelta(text),
    onToolStart: (call) => hooks.onToolStart(call),
    onToolFinish: (call, result, status) => hooks.onToolFinish(call, redactSecrets(result, secrets), status),
    onUsage: (usage, checkpoint) => hooks.onUsage(usage, checkpoint),
    onCheckpoint: (checkpoint) => hooks.onCheckpoint?.(checkpoint),
    onRetry: (info) => hooks.onRetry({ ...info, failure: redactFailure(info.failure, secrets) }),
  };
  // Tool results are untrusted text too: a server may echo its own credentials (its env, its
  // headers). What the model reads, and so what is stored and published, loses them.
  const tools = request.tools.map((tool) => ({
    ...tool,
    run: async (input: Record<string, unknown>, signal: AbortSignal) => redactSecrets(await tool.run(input, signal), secrets),
  }));
  try {
    const result = await adapter.run({ ...request, tools }, guarded);
    return result.failure ? { ...result, failure: redactFailure(result.failure, secrets) } : result;
  } catch (error) {
    if (error instanceof Error) error.message = redactSecrets(error.message, secrets);
    throw error;
  }
}
