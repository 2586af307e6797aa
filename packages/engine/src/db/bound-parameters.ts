import type { AbstractSqlConnection, Knex } from '@mikro-orm/knex';
import { JsonProperty, Utils, type LoggingOptions, type Transaction } from '@mikro-orm/core';

type ConnectionClass<C extends AbstractSqlConnection> = abstract new (...args: any[]) => C;

/** How a dialect binds text: PostgreSQL replaces what it cannot store (see `dialects/postgres/postgres-text.ts`). */
export interface TextBinding {
  /** A string parameter as bound. */
  text(value: string): string;
  /** A JSON value serialised here (`JSON.stringify`) as bound. */
  json(serialised: string): string;
}

const AS_IS: TextBinding = { text: (value) => value, json: (serialised) => serialised };

/**
 * MikroORM 6 writes every parameter into the SQL text (`platform.formatQuery`) before handing
 * the statement to knex. Text holding a NUL then ends the statement early in SQLite's parser
 * ("unrecognized token"), and the error message and any statement log carry the values
 * (prompts, document content). The connection this returns hands knex the statement with its
 * `?` placeholders and the values as bindings, which the driver binds with their length: a
 * value never becomes SQL, and what is logged is the statement text only. Both dialects use it;
 * `textBinding` is how the dialect binds text (as is, unless it cannot store some of it).
 */
export function withBoundParameters<C extends AbstractSqlConnection>(Base: ConnectionClass<C>, textBinding: TextBinding = AS_IS) {
  abstract class BoundParametersConnection extends (Base as ConnectionClass<AbstractSqlConnection>) {
    override async execute<T>(
      queryOrKnex: string | Knex.QueryBuilder | Knex.Raw,
      params: unknown[] = [],
      method: 'all' | 'get' | 'run' = 'all',
      ctx?: Transaction,
      loggerContext?: LoggingOptions,
    ): Promise<T> {
      await this.ensureConnection();
      let sql: string;
      if (typeof queryOrKnex === 'string') sql = queryOrKnex;
      else {
        ctx ??= (queryOrKnex as unknown as { client: { transacting?: boolean } }).client.transacting ? (queryOrKnex as unknown as Transaction) : undefined;
        const compiled = queryOrKnex.toSQL();
        sql = compiled.sql;
        params = [...(compiled.bindings ?? [])];
      }
      sql = this.config.get('onQuery')(sql, params);
      const knex = this.getKnex();
      const bindings = params.map((p) => binding(knex, p, textBinding));
      return this.executeQuery(
        sql,
        async () => {
          const query = bindings.length ? knex.raw(sql, bindings as Knex.RawBinding[]) : knex.raw(sql);
          if (ctx) query.transacting(ctx as Knex.Transaction);
          return this.transformRawResult<T>(await query, method);
        },
        { query: sql, ...loggerContext },
      );
    }
  }
  return BoundParametersConnection as unknown as ConnectionClass<C>;
}

/** One parameter as a knex binding, converted as `formatQuery` would have written it. */
function binding(knex: Knex, value: unknown, textBinding: TextBinding): unknown {
  if (value === undefined) return null;
  if (typeof value === 'string') return textBinding.text(value);
  if (Utils.isRawSql(value)) return knex.raw(value.sql, (value.params ?? []).map((p) => binding(knex, p, textBinding)) as Knex.RawBinding[]);
  if (Array.isArray(value)) return knex.raw(value.map(() => '?').join(', '), value.map((p) => binding(knex, p, textBinding)) as Knex.RawBinding[]);
  if (Utils.isPlainObject(value) || (value as Record<symbol, unknown> | null)?.[JsonProperty]) return textBinding.json(JSON.stringify(value));
  return value; // numbers, bigints, buffers, booleans, null: each driver binds them natively
}
