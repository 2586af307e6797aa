import { ErrorCode, StagentError } from '../../errors.js';

/** An MCP server could not be reached or started, or its connection ended. The message says why (exit code, stderr tail, HTTP error). */
export class McpServerUnavailableError extends StagentError {
  readonly serverId: string;
  constructor(serverId: string, serverName: string, reason: string, cause?: unknown) {
    super(ErrorCode.UNAVAILABLE, `MCP server "${serverName}" is not available: ${reason}`, { cause });
    this.name = 'McpServerUnavailableError';
    this.serverId = serverId;
  }
}

/** A server configuration this layer cannot start (STDIO without a command, HTTP without a URL...). */
export class McpConfigError extends StagentError {
  constructor(message: string, field: string) {
    super(ErrorCode.INVALID_VALUE, message, { field: [field] });
    this.name = 'McpConfigError';
  }
}

/** The transport was used after it closed, or before it started. */
export class McpTransportClosedError extends StagentError {
  constructor(what: string) {
    super(ErrorCode.UNAVAILABLE, `${what}: the MCP server's process is not running.`);
    this.name = 'McpTransportClosedError';
  }
}

/** An error in words, with its cause when it has one (`fetch failed (connect ECONNREFUSED 127.0.0.1:9)`). */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : null;
  return cause && !error.message.includes(cause) ? `${error.message} (${cause})` : error.message;
}
