import type { AbstractSqlDriver, MikroORM as AnyMikroORM, SqlEntityManager } from '@mikro-orm/knex';

// The ORM and EntityManager types the engine holds, for any SQL dialect (SQLite or PostgreSQL):
// the driver-specific packages are named only by their dialect modules.

/** An open MikroORM on one of the engine's SQL drivers. */
export type MikroORM = AnyMikroORM<AbstractSqlDriver, EntityManager>;
/** A MikroORM EntityManager on one of the engine's SQL drivers. */
export type EntityManager = SqlEntityManager<AbstractSqlDriver>;
export type { Knex } from '@mikro-orm/knex';
