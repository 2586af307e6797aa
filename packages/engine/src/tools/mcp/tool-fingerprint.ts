/**
 * What a grant approved, as one string: a hash of the tool's name, description and input schema.
 * A server may change a tool after it was granted (STYLE §10: tool poisoning); when the
 * fingerprint stored with a grant differs from the tool's fingerprint now, the grant asks again.
 */
import { createHash } from 'node:crypto';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';

/** JSON with object keys sorted at every level, so equal schemas give equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** `sha256:<hex>` of the tool's name, description and input schema (title and annotations are advisory and left out). */
export function toolFingerprint(tool: Pick<Tool, 'name' | 'description' | 'inputSchema'>): string {
  const text = canonicalJson({ name: tool.name, description: tool.description ?? '', inputSchema: tool.inputSchema });
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}
