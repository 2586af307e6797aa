import type { EntityManager } from '@mikro-orm/better-sqlite';
import type { EntitySchema } from '@mikro-orm/core';

/**
 * Direct statements for the hot path (a running step writes its metrics and events several
 * times per model call). MikroORM's query builder costs several times the database time per
 * statement here (measured in `bench/`), so these helpers build plain parameterised SQL from the
 * entity metadata and run it through the same connection and transaction. The SQL is standard
 * (`insert … values`, `update … set … where`, `returning`), so it runs on PostgreSQL too.
 */

type Row = Record<string, unknown>;

/** JSON columns are declared with `p.json()`, which MikroORM reports as `JsonType`. */
function isJson(prop: { type?: unknown; runtimeType?: unknown; customType?: { constructor: { name: string } } }): boolean {
  return prop.type === 'json' || prop.type === 'JsonType' || prop.customType?.constructor.name === 'JsonType';
}

function columnsOf(em: EntityManager, schema: EntitySchema<any, any>) {
  const meta = em.getMetadata().get(schema.meta.className);
  return {
    table: meta.tableName,
    column(property: string): { name: string; json: boolean } {
      const prop = meta.properties[property];
      if (!prop) throw new TypeError(`${meta.className} has no property ${property}`);
      return { name: prop.fieldNames[0]!, json: isJson(prop) };
    },
  };
}

function value(v: unknown, json: boolean): unknown {
  if (v === undefined) return null;
  if (json) return v === null ? null : JSON.stringify(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v;
}

function run(em: EntityManager, sql: string, params: unknown[], method: 'run' | 'get' | 'all' = 'run') {
  return em.getConnection().execute(sql, params as never[], method, em.getTransactionContext());
}

/** `UPDATE table SET … WHERE …` (equality on every `where` key); returns the affected row count. */
export async function updateRows(em: EntityManager, schema: EntitySchema<any, any>, where: Row, changes: Row): Promise<number> {
  const c = columnsOf(em, schema);
  const sets: string[] = [];
  const params: unknown[] = [];
  for (const [key, v] of Object.entries(changes)) {
    if (v === undefined) continue;
    const col = c.column(key);
    sets.push(`${col.name} = ?`);
    params.push(value(v, col.json));
  }
  if (sets.length === 0) return 0;
  const conditions = Object.entries(where).map(([key, v]) => {
    params.push(value(v, false));
    return `${c.column(key).name} = ?`;
  });
  const result = (await run(em, `update ${c.table} set ${sets.join(', ')} where ${conditions.join(' and ')}`, params)) as { affectedRows?: number; changes?: number };
  return result.affectedRows ?? result.changes ?? 0;
}

/** `UPDATE table SET col = col + ? …` for counters (atomic increments), by id. */
export async function incrementRow(em: EntityManager, schema: EntitySchema<any, any>, id: string, increments: Record<string, number>, changes: Row = {}): Promise<void> {
  const c = columnsOf(em, schema);
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
    params.push(value(v, col.json));
  }
  params.push(id);
  await run(em, `update ${c.table} set ${sets.join(', ')} where ${c.column('id').name} = ?`, params);
}

/** Adds `by` to an integer column and returns its new value (`UPDATE … RETURNING`). */
export async function bumpCounter(em: EntityManager, schema: EntitySchema<any, any>, id: string, property: string, by: number): Promise<number | undefined> {
  const c = columnsOf(em, schema);
  const name = c.column(property).name;
  const row = (await run(em, `update ${c.table} set ${name} = ${name} + ? where ${c.column('id').name} = ? returning ${name}`, [by, id], 'get')) as unknown as Row | undefined;
  return row ? Number(row[name]) : undefined;
}

/** Multi-row `INSERT` of full rows (every row has the same keys). */
export async function insertRows(em: EntityManager, schema: EntitySchema<any, any>, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  const c = columnsOf(em, schema);
  const keys = Object.keys(rows[0]!);
  const cols = keys.map((k) => c.column(k));
  const params: unknown[] = [];
  const tuples = rows.map((r) => {
    keys.forEach((k, i) => params.push(value(r[k], cols[i]!.json)));
    return `(${keys.map(() => '?').join(', ')})`;
  });
  // Bound parameters (not formatted into the text): large JSON payloads need no escaping pass.
  const query = em.getKnex().raw(`insert into ${c.table} (${cols.map((col) => col.name).join(', ')}) values ${tuples.join(', ')}`, params as never[]);
  const ctx = em.getTransactionContext();
  await (ctx ? query.transacting(ctx) : query);
}

/**
 * `SELECT * FROM table <tail>` mapped back to entity-shaped objects (columns to properties, JSON
 * parsed, booleans restored). `tail` is plain SQL over column names, e.g.
 * `where workflow_id in (?, ?) order by run_number desc`. Used by hot read paths (lists).
 */
export async function selectRows<T>(em: EntityManager, schema: EntitySchema<T, any>, tail: string, params: unknown[] = []): Promise<T[]> {
  const meta = em.getMetadata().get(schema.meta.className);
  const props = Object.values(meta.properties).map((p) => ({ name: p.name, column: p.fieldNames[0]!, json: isJson(p), bool: p.runtimeType === 'boolean', num: p.runtimeType === 'number' }));
  const rows = (await run(em, `select * from ${meta.tableName} ${tail}`, params, 'all')) as unknown as Row[];
  return rows.map((raw) => {
    const out: Row = {};
    for (const p of props) {
      const v = raw[p.column];
      out[p.name] = v === null || v === undefined ? null : p.json ? (typeof v === 'string' ? JSON.parse(v) : v) : p.bool ? Boolean(v) : p.num ? Number(v) : v;
    }
    return out as T;
  });
}

/** `?, ?, ?` for an IN list of `n` values. */
export function parameterList(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}
