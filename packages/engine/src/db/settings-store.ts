import { SettingSchema, type SettingRow } from './entities/setting.entity.js';
import type { EngineResources } from '../resources.js';
import { serializeTransactions } from './row-locks.js';
import { inTransaction } from './unit-of-work.js';

// The rows of `settings`, one per key set away from its default. Validation, defaults and the
// sealing of secrets belong to settings/settings-system.ts; this stores what it decided.

/** One key of an update: the text to store (JSON, or sealed JSON when `encrypted`), or null to unset it. */
export interface SettingWrite {
  key: string;
  stored: string | null;
  encrypted: boolean;
}

/** Every stored setting row. */
export function allSettingRows(resources: Pick<EngineResources, 'orm'>): Promise<SettingRow[]> {
  return resources.orm.em.fork().find(SettingSchema, {});
}

/** The stored row of one key, or null when it is at its default. */
export function findSettingRow(resources: Pick<EngineResources, 'orm'>, key: string): Promise<SettingRow | null> {
  return resources.orm.em.fork().findOne(SettingSchema, { key });
}

/**
 * Applies every write or none, in one transaction, in the given order. Updates run one at a time
 * across processes: on PostgreSQL two updates of overlapping keys would otherwise interleave
 * (opposite key orders deadlock; an unset racing a write can leave one key from each).
 * Serialised, the later update sees the earlier one committed and every key ends with the
 * values of one update, the last.
 */
export async function writeSettings(resources: EngineResources, writes: SettingWrite[], now: number): Promise<void> {
  await inTransaction(resources, async ({ em, sql }) => {
    await serializeTransactions(sql, 'settings');
    for (const { key, stored, encrypted } of writes) {
      if (stored === null) {
        await em.nativeDelete(SettingSchema, { key });
        continue;
      }
      await em.upsert(SettingSchema, { key, value: stored, encrypted, updatedAt: now });
    }
  });
}
