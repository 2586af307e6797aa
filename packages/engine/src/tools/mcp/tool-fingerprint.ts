/**
 * What a grant approved, as one string: a hash of the tool's name, description and input schema.
 * A server may change a tool after it was granted (STYLE §10: tool poisoning); when the
 * fingerprint stored with a grant differs from the tool's fingerprint now, the grant asks again.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../canonical-json.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';

/** `sha256:<hex>` of the tool's name, description and input schema (title and annotations are advisory and left out). */
export function toolFingerprint(tool: Pick<Tool, 'name' | 'description' | 'inputSchema'>): string {
  const text = canonicalJson({ name: tool.name, description: tool.description ?? '', inputSchema: tool.inputSchema });
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}
