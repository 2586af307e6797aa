import { createHash } from 'node:crypto';
import type { SuggestionAction, SuggestionKind } from './intelligence-types.js';

/** Serialises a value with object keys sorted, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Stable id of an optimizer suggestion: the first 16 hex digits of SHA-256 over kind, target and
 * action. The same advice for the same definition keeps its id across calls, so a client can
 * remember which suggestions a user dismissed.
 */
export function suggestionId(kind: SuggestionKind, target: string, action: SuggestionAction | null): string {
  const text = `${kind}\u0000${target}\u0000${canonicalJson(action)}`;
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
