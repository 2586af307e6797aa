import { MikroORM as PostgresMikroORM, PostgreSqlConnection, PostgreSqlPlatform } from '@mikro-orm/postgresql';
import { AbstractSqlDriver } from '@mikro-orm/knex';
import type { Configuration, Options, TransformContext } from '@mikro-orm/core';
import { DatabaseUnreachableError } from '../../../errors.js';
import { withBoundParameters } from '../../bound-parameters.js';
import type { PostgresTarget } from '../../database-url.js';
import type { MikroORM } from '../../orm-types.js';
import { migrationsList } from './migrations/index.js';
import { jsonWithoutNul, withoutNul } from './postgres-text.js';

/** Text bound without U+0000, which PostgreSQL cannot store (see `postgres-text.ts`). */
const BoundPostgresConnection = withBoundParameters(PostgreSqlConnection, { text: withoutNul, json: jsonWithoutNul });

/** MikroORM's PostgreSQL platform; JSON properties it serialises lose their NUL escapes as well (see `postgres-text.ts`). */
class PostgresPlatform extends PostgreSqlPlatform {
  override convertJsonToDatabaseValue(value: unknown, context?: TransformContext): unknown {
    const serialised = super.convertJsonToDatabaseValue(value, context);
    return typeof serialised === 'string' ? jsonWithoutNul(serialised) : serialised;
  }
}

/** MikroORM's PostgreSQL driver with values bound as parameters (see `bound-parameters.ts`). */
export class PostgresDriver extends AbstractSqlDriver<PostgreSqlConnection> {
  constructor(config: Configuration) {
    super(config, new PostgresPlatform(), BoundPostgresConnection as never, ['knex', 'pg']);
  }
}

/**
 * Connections per process. A running step holds one only for the length of a transaction, so a
 * handful serves many concurrent runs; PostgreSQL's default limit is 100 connections for every
 * instance together.
 */
export const POSTGRES_POOL_SIZE = 10;

/** The PostgreSQL dialect's part of the ORM options: server, driver, its own migrations and a pool. */
export function postgresOptions(target: PostgresTarget): Partial<Options> {
  return {
    dbName: target.database,
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    driver: PostgresDriver,
    // A database that does not exist is an error to report, not one to create: a typo in the URL
    // would otherwise start an empty Stagent beside the real one.
    ensureDatabase: false,
    migrations: { migrationsList, snapshotName: '.snapshot-stagent', path: new URL('./migrations', import.meta.url).pathname },
    pool: { min: 0, max: POSTGRES_POOL_SIZE },
  };
}

/** Opens PostgreSQL and checks that it answers before migrating: an unreachable server is one clear error. */
export async function openPostgres(options: Options, target: PostgresTarget): Promise<MikroORM> {
  // The dialect's own ORM class, held as the engine's dialect-neutral type (see `orm-types.ts`).
  const orm = (await PostgresMikroORM.init(options as never)) as unknown as MikroORM;
  try {
    const check = await orm.checkConnection();
    if (!check.ok) throw new DatabaseUnreachableError(target.masked, unreachableReason(check.error, check.reason), check.error);
    await orm.getMigrator().up();
    return orm;
  } catch (error) {
    await orm.close(true);
    throw error;
  }
}

/** What went wrong, in words a user can act on, from node-postgres' error (never its password). */
function unreachableReason(error: Error | undefined, fallback: string): string {
  const code = (error as { code?: string } | undefined)?.code;
  if (code === 'ECONNREFUSED') return 'connection refused: is the server running?';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'unknown host';
  if (code === 'ETIMEDOUT') return 'the connection timed out';
  if (code === '3D000') return 'the database does not exist: create it with createdb';
  if (code === '28P01' || code === '28000') return 'authentication failed';
  return (error?.message ?? fallback).split('\n')[0]!;
}
