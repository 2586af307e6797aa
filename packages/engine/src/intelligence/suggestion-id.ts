import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.js';
import type { SuggestionAction, SuggestionKind } from './intelligence-types.js';

/**
 * Stable id of an optimizer suggestion: the first 16 hex digits of SHA-256 over kind, target and
 * action. The same advice for the same definition keeps its id across calls, so a client can
 * remember which suggestions a user dismissed.
 */
export function suggestionId(kind: SuggestionKind, target: string, action: SuggestionAction | null): string {
  const text = `${kind}\u0000${target}\u0000${canonicalJson(action)}`;
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
