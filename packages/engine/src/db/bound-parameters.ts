import { AbstractSqlDriver, BetterSqliteConnection, BetterSqlitePlatform, type Knex } from '@mikro-orm/better-sqlite';
import { JsonProperty, Utils, type Configuration, type LoggingOptions, type Transaction } from '@mikro-orm/core';

/**
 * MikroORM 6 writes every parameter into the SQL text (`platform.formatQuery`) before handing
 * the statement to knex. Text holding a NUL then ends the statement early in SQLite's parser
 * ("unrecognized token"), and the error message and any statement log carry the values
 * (prompts, document content). This connection hands knex the statement with its `?`
 * placeholders and the values as bindings, which better-sqlite3 binds with their length: a
 * value never becomes SQL, and what is logged is the statement text only.
 */
export class BoundParametersConnection extends BetterSqliteConnection {
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
    const bindings = params.map((p) => this.binding(knex, p));
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

  /** One parameter as a knex binding, converted as `formatQuery` would have written it. */
  private binding(knex: Knex, value: unknown): unknown {
    if (value === undefined) return null;
    if (Utils.isRawSql(value)) return knex.raw(value.sql, (value.params ?? []).map((p) => this.binding(knex, p)) as Knex.RawBinding[]);
    if (Array.isArray(value)) return knex.raw(value.map(() => '?').join(', '), value.map((p) => this.binding(knex, p)) as Knex.RawBinding[]);
    if (Utils.isPlainObject(value) || (value as Record<symbol, unknown> | null)?.[JsonProperty]) return JSON.stringify(value);
    return value; // strings, numbers, bigints, buffers, null; knex turns dates into epoch ms and booleans into 0 / 1
  }
}

/** MikroORM's better-sqlite driver on {@link BoundParametersConnection}. */
export class BoundParametersDriver extends AbstractSqlDriver<BoundParametersConnection> {
  constructor(config: Configuration) {
    super(config, new BetterSqlitePlatform(), BoundParametersConnection, ['knex', 'better-sqlite3']);
  }
}
