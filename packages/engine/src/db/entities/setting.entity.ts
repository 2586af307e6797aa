import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { p } from './base.js';

/** A stored setting value (JSON text; secrets are AES-256-GCM ciphertext). */
export const SettingSchema = defineEntity({
  name: 'SettingRow',
  tableName: 'settings',
  properties: {
    key: p.string().primary(),
    value: p.text(),
    encrypted: p.boolean().default(false),
    updatedAt: p.bigint('number'),
  },
});
export type SettingRow = InferEntity<typeof SettingSchema>;
