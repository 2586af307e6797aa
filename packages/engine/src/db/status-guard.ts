import { DirectStatusWriteError } from '../errors.js';
import { issuedByTransition } from './direct-sql.js';

/** `update <table> set <assignments>` of a statement (the assignments end at its `where`). */
const UPDATE_SET = /^\s*update\s+[`"]?(\w+)[`"]?\s+set\s+([\s\S]*?)(?:\swhere\s[\s\S]*)?$/i;
const STATUS_ASSIGNMENT = /(?:^|[\s,])[`"]?status[`"]?\s*=/i;

/** The table whose status column a statement sets, or null: decided once per statement text. */
export function statusTableOf(sql: string): string | null {
  const update = UPDATE_SET.exec(sql);
  return update && STATUS_ASSIGNMENT.test(update[2]!) ? update[1]! : null;
}

/**
 * Status changes go through the transition functions (`transitionStatus` in `direct-sql.ts`):
 * a statement that sets a status column anywhere else is refused before it runs. Every path to
 * the database passes here: MikroORM's `onQuery` and both dialects' raw executors.
 */
export function refuseDirectStatusWrite(statusTable: string | null): void {
  if (statusTable !== null && !issuedByTransition()) throw new DirectStatusWriteError(statusTable);
}
