export { McpConnections, type McpConnectionsOptions } from './mcp-connections.js';
export type { McpServerStatus } from './connection.js';
export type { McpServerConfig, McpTransportKind } from './server-config.js';
export { sameConnection } from './server-config.js';
export { DEFAULT_CALL_TIMEOUT_MS, DEFAULT_MAX_RESULT_CHARS, type McpCallOptions } from './call-tool.js';
export { cutStatement, textForModel, type McpToolCallResult, type McpToolCallStatus } from './tool-result.js';
export { MCP_SERVER_NAME_PATTERN, isMcpServerName, parseQualifiedToolName, qualifiedToolName } from './tool-names.js';
export { McpConfigError, McpServerUnavailableError } from './mcp-errors.js';
export { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
