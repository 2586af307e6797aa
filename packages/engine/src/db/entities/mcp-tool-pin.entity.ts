import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { p } from './base.js';

/**
 * What a person last accepted of a granted MCP tool: its fingerprint (name, description, input
 * schema). When the server later describes the tool differently, calls to it ask for approval
 * until a person approves one, which pins the new fingerprint (tool poisoning, STYLE §10).
 */
export const McpToolPinSchema = defineEntity({
  name: 'McpToolPinRow',
  tableName: 'mcp_tool_pins',
  properties: {
    /** Qualified name, `mcp__<server>__<tool>`. */
    id: p.string().primary(),
    fingerprint: p.string(),
    pinnedAt: p.bigint('number'),
  },
});
export type McpToolPinRow = InferEntity<typeof McpToolPinSchema>;
