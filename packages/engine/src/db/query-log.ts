import type { MikroORM } from './orm-types.js';

/**
 * Statement logging of the raw executors for `Engine.open({ onQuery })` (tests count statements):
 * MikroORM's logger, so they log like the ORM does; null when logging is off.
 */
export function queryLogger(orm: MikroORM): ((sql: string, startedAt: number, count: { results?: number; affected?: number }) => void) | null {
  if (!orm.config.get('debug')) return null;
  const logger = orm.config.getLogger();
  return (sql, startedAt, count) => logger.logQuery({ query: sql, took: Date.now() - startedAt, ...count, level: 'info' });
}
