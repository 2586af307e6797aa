/**
 * One tools/call turned into an McpToolCallResult: never a throw for what a model can cause or a
 * server can do (unknown tool, bad arguments, isError, protocol errors, a server that is down),
 * a deadline that covers connecting and calling, and a caller's abort that cancels the request.
 */
import { ErrorCode as McpErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { McpConnection } from './connection.js';
import { inputProblem } from './input-validation.js';
import { describeError } from './mcp-errors.js';
import { contentText, cutText, type McpToolCallResult, type McpToolCallStatus } from './tool-result.js';

export interface McpCallOptions {
  /** Aborting it cancels the call (notifications/cancelled to the server); the result is CANCELLED. */
  signal?: AbortSignal;
  /** The whole call, connecting included. Default 60,000 ms. */
  timeoutMs?: number;
  /** Output beyond this is cut, and the cut stated. Default 20,000 characters. */
  maxResultChars?: number;
}

export const DEFAULT_CALL_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_RESULT_CHARS = 20_000;
/** How much of a tool's own error text goes into `error`. */
const MAX_ERROR_CHARS = 2_000;

/** Rejects as soon as `signal` aborts; otherwise settles like `promise`. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export async function callMcpTool(
  connection: McpConnection,
  toolName: string,
  args: Record<string, unknown>,
  options: McpCallOptions = {},
): Promise<McpToolCallResult> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  const maxChars = options.maxResultChars ?? DEFAULT_MAX_RESULT_CHARS;
  const server = connection.config.name;
  const result = (status: McpToolCallStatus, error: string | null, output = '', cut: McpToolCallResult['cut'] = null): McpToolCallResult => ({
    status,
    output,
    error,
    durationMs: Math.round(performance.now() - started),
    cut,
  });

  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline.signal]) : deadline.signal;
  try {
    const client = await untilAborted(connection.ready(), signal);
    let tool = connection.tool(toolName);
    if (!tool) {
      await untilAborted(connection.refreshTools(client), signal);
      tool = connection.tool(toolName);
    }
    if (!tool) {
      const known = connection.status().tools.map((t) => t.name);
      return result('FAILED', `The MCP server "${server}" has no tool "${toolName}". Its tools: ${known.length ? known.join(', ') : 'none'}.`);
    }
    const problem = inputProblem(tool, args);
    if (problem) return result('FAILED', `The arguments do not match the input schema of "${toolName}": ${problem}. Correct them and call again.`);

    // The SDK's own timeout sits behind our deadline, so the deadline decides and says TIMED_OUT.
    const answer = await connection.call(client, toolName, args, { signal, timeout: timeoutMs + 1_000 });
    const { text, cut } = cutText(contentText(answer), maxChars);
    if (answer.isError) {
      const said = text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
      return result('FAILED', `The tool "${toolName}" reported an error: ${said || '(no message)'}`, text, cut);
    }
    return result('SUCCEEDED', null, text, cut);
  } catch (error) {
    if (options.signal?.aborted) return result('CANCELLED', `The call of "${toolName}" was cancelled.`);
    if (deadline.signal.aborted || (error instanceof McpError && error.code === (McpErrorCode.RequestTimeout as number)))
      return result('TIMED_OUT', `The tool "${toolName}" did not answer within ${timeoutMs} ms.`);
    return result('FAILED', `The call of "${toolName}" on MCP server "${server}" failed: ${describeError(error)}`);
  } finally {
    clearTimeout(timer);
  }
}
