import { defineEntity } from '@mikro-orm/core';

const p = defineEntity.properties;

/**
 * Columns every table shares. Times are stored as epoch milliseconds (`bigint`) so comparisons
 * and arithmetic are the same on SQLite and PostgreSQL.
 */
export const baseProperties = {
  id: p.string().primary(),
  createdAt: p.bigint('number'),
};

export { p };
