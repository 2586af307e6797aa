import type { EntitySchema } from '@mikro-orm/core';
import { columnsOf } from './direct-sql.js';
import type { SqlExecutor, SqlRow } from './sql-executor.js';

/** Some properties of an entity as a `select` list, and the fix-ups that make its rows entity-shaped. */
export interface Projection<T> {
  /** `run_id as "runId", …`: the driver hands back rows keyed by property name. */
  readonly list: string;
  /** Turns a row of {@link list} into the entity's types in place (JSON parsed, booleans, numbers) and returns it. */
  map(row: SqlRow): T;
}

/**
 * A projection of `properties` of `schema` for list reads. Columns are aliased to property names
 * (standard double-quoted identifiers) so that rows need no copy: only the JSON, boolean and
 * bigint columns are converted, in place. Drivers differ there: SQLite gives JSON as text and
 * booleans as 0/1, PostgreSQL bigints as strings.
 */
export function projection<T, K extends keyof T & string>(sql: SqlExecutor, schema: EntitySchema<T, any>, properties: readonly K[]): Projection<Pick<T, K>> {
  const c = columnsOf(sql.metadata, schema);
  const meta = sql.metadata.get(schema.meta.className);
  const json: string[] = [];
  const bool: string[] = [];
  const num: string[] = [];
  for (const name of properties) {
    const prop = meta.properties[name];
    if (c.column(name).json) json.push(name);
    else if (prop.runtimeType === 'boolean') bool.push(name);
    else if (prop.runtimeType === 'number') num.push(name);
  }
  return {
    list: properties.map((name) => `${c.column(name).name} as "${name}"`).join(', '),
    map(row) {
      for (const k of json) if (typeof row[k] === 'string') row[k] = JSON.parse(row[k] as string);
      for (const k of bool) if (row[k] !== null && typeof row[k] !== 'boolean') row[k] = Boolean(row[k]);
      for (const k of num) if (typeof row[k] === 'string') row[k] = Number(row[k]);
      return row as Pick<T, K>;
    },
  };
}

/**
 * Every property of `schema` for the rows `tail` selects (plain SQL over column names, e.g.
 * `where workflow_id in (?, ?) order by position`), entity-shaped as {@link projection} makes them.
 */
export async function selectRows<T>(sql: SqlExecutor, schema: EntitySchema<T, any>, tail: string, params: unknown[] = []): Promise<T[]> {
  const all = projection(sql, schema, Object.keys(sql.metadata.get(schema.meta.className).properties) as (keyof T & string)[]);
  const rows = await sql.all(`select ${all.list} from ${columnsOf(sql.metadata, schema).table} ${tail}`, params);
  return rows.map((r) => all.map(r) as T);
}
