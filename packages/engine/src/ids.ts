import { randomUUID } from 'node:crypto';

/** A new random id (UUID v4). Ids are opaque strings everywhere in the engine. */
export function newId(): string {
  return randomUUID();
}
