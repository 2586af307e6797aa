import { raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/better-sqlite';
import { UsageLedgerSchema } from '../db/entities/usage-ledger.entity.js';

/** Start of the UTC day containing `now`, epoch ms (the daily cap's window). */
export function utcDayStart(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/** Spend recorded in the usage ledger since the start of the current UTC day, USD. */
export async function spentTodayUsd(em: EntityManager, now: number): Promise<number> {
  const rows = await em
    .createQueryBuilder(UsageLedgerSchema)
    .select(raw('coalesce(sum(cost_micros), 0) as total'))
    .where({ createdAt: { $gte: utcDayStart(now) } })
    .execute('get');
  return Number((rows as { total?: number } | undefined)?.total ?? 0) / 1_000_000;
}
