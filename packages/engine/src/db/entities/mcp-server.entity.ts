import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { baseProperties, p } from './base.js';

/**
 * A registered MCP server: how to reach it (a command to start over STDIO, or a Streamable HTTP
 * URL). Its environment variables (STDIO) or headers (HTTP) may hold credentials: they are kept
 * sealed with the secret box in `secrets` and never returned; `secretKeys` names what is set.
 */
export const McpServerSchema = defineEntity({
  name: 'McpServerRow',
  tableName: 'mcp_servers',
  properties: {
    ...baseProperties,
    /** `[a-z][a-z0-9_-]{0,31}`; its tools reach models as `mcp__<name>__<tool>`. */
    name: p.string().unique(),
    transport: p.string(),
    command: p.text().nullable(),
    args: p.json<string[]>(),
    url: p.text().nullable(),
    /** Sealed JSON object of env variables (STDIO) or headers (HTTP); null when none are set. */
    secrets: p.text().nullable(),
    secretKeys: p.json<string[]>(),
    enabled: p.boolean().default(true),
    updatedAt: p.bigint('number'),
  },
});
export type McpServerRow = InferEntity<typeof McpServerSchema>;
