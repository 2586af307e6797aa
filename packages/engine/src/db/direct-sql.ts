import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntitySchema, MetadataStorage } from '@mikro-orm/core';
import { DirectStatusWriteError } from '../errors.js';
import type { SqlExecutor } from './sql-executor.js';
import { jsonWithoutNul } from './dialects/postgres/postgres-text.js';

/**
 * Statements built from entity metadata for the hot path, run through a {@link SqlExecutor}
 * (the transaction's connection). MikroORM's query builder costs several times the database
 * time per statement here (measured in `bench/`). The SQL is standard (`insert … values`,
 * `update … set … where`, `returning`), so it runs on PostgreSQL too.
 */

type Row = Record<string, unknown>;

/** JSON columns are declared with `p.json()`, which MikroORM reports as `JsonType`. */
function isJson(prop: { type?: unknown; runtimeType?: unknown; customType?: { constructor: { name: string } } }): boolean {
  return prop.type === 'json' || prop.type === 'JsonType' || prop.customType?.constructor.name === 'JsonType';
}

/** Table and column names of an entity, for statements written by hand over its schema. */
export function columnsOf(metadata: MetadataStorage, schema: EntitySchema<any, any>) {
  const meta = metadata.get(schema.meta.className);
  return {
    table: meta.tableName,
    column(property: string): { name: string; json: boolean } {
      const prop = meta.properties[property];
      if (!prop) throw new TypeError(`${meta.className} has no property ${property}`);
      return { name: prop.fieldNames[0]!, json: isJson(prop) };
    },
  };
}

/**
 * A property value as a statement parameter: JSON columns serialised, `undefined` as null. On
 * PostgreSQL the serialised JSON loses its NUL escapes, which `jsonb` refuses (the executor
 * replaces NUL in text parameters itself; only here is it known which parameters are JSON; see
 * `dialects/postgres/postgres-text.ts`).
 */
function value(sql: SqlExecutor, v: unknown, json: boolean): unknown {
  if (v === undefined) return null;
  if (!json || v === null) return v;
  const serialised = JSON.stringify(v);
  return sql.dialect === 'postgres' ? jsonWithoutNul(serialised) : serialised;
}

/**
 * `UPDATE table SET … WHERE …` (equality on every `where` key, `is null` for a null); returns the affected row count.
 * Refuses a `status` column: status changes go through {@link transitionStatus}.
 */
export async function updateRows(sql: SqlExecutor, schema: EntitySchema<any, any>, where: Row, changes: Row): Promise<number> {
  if ('status' in changes) throw new DirectStatusWriteError(columnsOf(sql.metadata, schema).table);
  return update(sql, schema, where, changes);
}

/**
 * The one writer of `status` columns: checks `from` → `to` with the table's transition function
 * (which throws an `IllegalTransitionError`), then compare-and-sets on `from`, so a row that moved
 * meanwhile is not overwritten; returns the affected row count (0: it is no longer `from`, or
 * `where` no longer matches). Called only by each table's transition function (workflows/run-store.ts,
 * tasks/task-store.ts, schedules/firing-store.ts; the convention check keeps it so).
 */
export async function transitionStatus<S extends string>(
  sql: SqlExecutor,
  schema: EntitySchema<any, any>,
  transition: (from: S, to: S) => S,
  where: Row,
  from: S,
  to: S,
  changes: Row = {},
): Promise<number> {
  const status = transition(from, to);
  return transitionWrite.run(true, () => update(sql, schema, { ...where, status: from }, { ...changes, status }));
}

/** Set while {@link transitionStatus} issues its statement. */
const transitionWrite = new AsyncLocalStorage<true>();

/**
 * Whether the statement being issued comes from {@link transitionStatus}: on drivers whose
 * executor runs over MikroORM's connection, its statement passes the ORM's status guard too.
 */
export function issuedByTransition(): boolean {
  return transitionWrite.getStore() === true;
}

async function update(sql: SqlExecutor, schema: EntitySchema<any, any>, where: Row, changes: Row): Promise<number> {
  const c = columnsOf(sql.metadata, schema);
  const sets: string[] = [];
  const params: unknown[] = [];
  for (const [key, v] of Object.entries(changes)) {
    if (v === undefined) continue;
    const col = c.column(key);
    sets.push(`${col.name} = ?`);
    params.push(value(sql, v, col.json));
  }
  if (sets.length === 0) return 0;
  const conditions = Object.entries(where).map(([key, v]) => {
    // `= null` matches nothing in SQL; a null in `where` means the column must still be null.
    if (v === null) return `${c.column(key).name} is null`;
    params.push(value(sql, v, false));
    return `${c.column(key).name} = ?`;
  });
  return sql.run(`update ${c.table} set ${sets.join(', ')} where ${conditions.join(' and ')}`, params);
}

/** `UPDATE table SET col = col + ? …` for counters (atomic increments), by id. Refuses a `status` column, as {@link updateRows} does. */
export async function incrementRow(
  sql: SqlExecutor,
  schema: EntitySchema<any, any>,
  id: string,
  increments: Record<string, number>,
  changes: Row = {},
): Promise<void> {
  const c = columnsOf(sql.metadata, schema);
  if ('status' in changes) throw new DirectStatusWriteError(c.table);
  const sets: string[] = [];
  const params: unknown[] = [];
  for (const [key, by] of Object.entries(increments)) {
    const name = c.column(key).name;
    sets.push(`${name} = ${name} + ?`);
    params.push(by);
  }
  for (const [key, v] of Object.entries(changes)) {
    const col = c.column(key);
    sets.push(`${col.name} = ?`);
    params.push(value(sql, v, col.json));
  }
  params.push(id);
  await sql.run(`update ${c.table} set ${sets.join(', ')} where ${c.column('id').name} = ?`, params);
}

/** Adds `by` to an integer column and returns its new value (`UPDATE … RETURNING`). */
export async function bumpCounter(sql: SqlExecutor, schema: EntitySchema<any, any>, id: string, property: string, by: number): Promise<number | undefined> {
  const c = columnsOf(sql.metadata, schema);
  const name = c.column(property).name;
  const row = await sql.get(`update ${c.table} set ${name} = ${name} + ? where ${c.column('id').name} = ? returning ${name}`, [by, id]);
  return row ? Number(row[name]) : undefined;
}

/** Rows per `INSERT` statement: keeps the parameter count far below every driver's limit. */
const INSERT_CHUNK_ROWS = 100;

/**
 * Multi-row `INSERT` of full rows (every row has the same keys), {@link INSERT_CHUNK_ROWS} per statement.
 * With `ignoreDuplicates`, a row that would break a unique key is skipped (`on conflict do nothing`,
 * both dialects): the way to create a row that concurrent transactions may create too.
 */
export async function insertRows(sql: SqlExecutor, schema: EntitySchema<any, any>, rows: Row[], options: { ignoreDuplicates?: boolean } = {}): Promise<void> {
  if (rows.length === 0) return;
  if (rows.length > INSERT_CHUNK_ROWS) {
    for (let i = 0; i < rows.length; i += INSERT_CHUNK_ROWS) await insertRows(sql, schema, rows.slice(i, i + INSERT_CHUNK_ROWS), options);
    return;
  }
  const c = columnsOf(sql.metadata, schema);
  const keys = Object.keys(rows[0]!);
  const cols = keys.map((k) => c.column(k));
  const params: unknown[] = [];
  const tuples = rows.map((r) => {
    keys.forEach((k, i) => params.push(value(sql, r[k], cols[i]!.json)));
    return `(${keys.map(() => '?').join(', ')})`;
  });
  const onConflict = options.ignoreDuplicates ? ' on conflict do nothing' : '';
  await sql.run(`insert into ${c.table} (${cols.map((col) => col.name).join(', ')}) values ${tuples.join(', ')}${onConflict}`, params);
}

/** `?, ?, ?` for an IN list of `n` values. */
export function parameterList(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}
