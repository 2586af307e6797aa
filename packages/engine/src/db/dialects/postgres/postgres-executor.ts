import pg from 'pg';
import type { MikroORM } from '../../orm-types.js';
import { refuseDirectStatusWrite, statusTableOf } from '../../status-guard.js';
import { queryLogger } from '../../query-log.js';
import type { RawConnection, SqlExecutor, SqlRow } from '../../sql-executor.js';
import { withoutNul } from './postgres-text.js';

/** The node-postgres client API used here (a `pg.Client` from knex's pool, structurally). */
export interface PgClient {
  query(config: pg.QueryConfig): Promise<pg.QueryResult>;
  /** node-postgres: the server process of this connection; identifies a client from the pool. */
  readonly processID?: number | null;
}

/** Whether a connection from knex's pool is a node-postgres client. */
export function isPgClient(connection: unknown): connection is PgClient {
  return connection instanceof pg.Client || (typeof (connection as PgClient | null)?.query === 'function' && 'processID' in (connection as object));
}

/**
 * Type parsers for the engine's statements: `bigint` columns (epoch ms, cost in micro-USD,
 * counts) as numbers, as SQLite hands them back; every value the engine keeps is far below 2^53.
 * `numeric` too (aggregates such as `sum(bigint)` return it). The rest as node-postgres parses them.
 */
const INT8 = 20;
const NUMERIC = 1700;
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 || oid === NUMERIC ? (value: string) => (value === null ? null : Number(value)) : pg.types.getTypeParser(oid, format)) as never,
};

/**
 * What each statement text becomes, worked out once per text: PostgreSQL's `$n` form, the table
 * whose status column it sets (see `status-guard.ts`), and a name for a server-side prepared
 * statement. node-postgres prepares a name once per connection (it remembers which it has parsed),
 * so the hot path's statements are parsed and planned once per connection, then only bound and
 * run. Texts come from a small set of shapes; past the bound, new texts are worked out each time
 * and run unnamed.
 */
const MAX_NAMED_STATEMENTS = 1000;

interface StatementText {
  text: string;
  statusTable: string | null;
  name: string | undefined;
}

const statementTexts = new Map<string, StatementText>();

/** `?` placeholders (the engine's portable form) as PostgreSQL's `$1, $2, …`, outside quoted text. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|\?/g, (token) => (token === '?' ? `$${++n}` : token));
}

function statementText(sql: string): StatementText {
  let known = statementTexts.get(sql);
  if (known === undefined) {
    const kept = statementTexts.size < MAX_NAMED_STATEMENTS;
    known = { text: numberPlaceholders(sql), statusTable: statusTableOf(sql), name: kept ? `stagent_${statementTexts.size + 1}` : undefined };
    if (kept) statementTexts.set(sql, known);
  }
  return known;
}

/**
 * node-postgres binds strings, numbers, booleans, buffers and null; `undefined` is null, bigints
 * are sent as text, and strings lose U+0000, which PostgreSQL cannot store (see `postgres-text.ts`).
 */
function pgParams(params: readonly unknown[]): unknown[] {
  return params.map((p) => (p === undefined ? null : typeof p === 'string' ? withoutNul(p) : typeof p === 'bigint' ? p.toString() : p));
}

/** See {@link SqlExecutor.dataVersion}. */
const SNAPSHOT_SQL = 'select pg_current_snapshot()::text as snapshot';

/** An executor on a raw node-postgres client (the caller holds it: a transaction or a pool lease). */
export function pgExecutor(orm: MikroORM, client: PgClient, outsideTransaction = false): SqlExecutor {
  const log = queryLogger(orm);
  const query = async (sql: string, params: readonly unknown[]): Promise<pg.QueryResult> => {
    const startedAt = log ? Date.now() : 0;
    const { text, statusTable, name } = statementText(sql);
    refuseDirectStatusWrite(statusTable);
    const result = await client.query({ name: params.length ? name : undefined, text, values: pgParams(params), types });
    log?.(sql, startedAt, result.command === 'SELECT' ? { results: result.rowCount ?? 0 } : { affected: result.rowCount ?? 0 });
    return result;
  };
  return {
    metadata: orm.getMetadata(),
    dialect: 'postgres',
    run: async (sql, params) => (await query(sql, params)).rowCount ?? 0,
    get: async (sql, params) => (await query(sql, params)).rows[0] as SqlRow | undefined,
    all: async (sql, params) => (await query(sql, params)).rows as SqlRow[],
    // The server's current snapshot (xmin:xmax:running xids): it changes exactly when a
    // transaction of any session, process or instance becomes visible or starts writing, and never
    // returns to an earlier value. Not the WAL position: a commit's WAL record is written before
    // the transaction becomes visible, so a read between the two cached old rows under the new
    // position (seen once in the e2e PostgreSQL pass). Inside a transaction, none.
    dataVersion: async () => (outsideTransaction ? String((await query(SNAPSHOT_SQL, [])).rows[0]?.snapshot) : null),
  };
}

/**
 * `BEGIN` for the plain-statement transactions (`sqlTransaction`: a running step's progress, usage
 * and events, schedule claims), in the same round trip: their commits do not wait for the WAL
 * flush (`synchronous_commit = off`, for that transaction only). That is the durability the
 * SQLite dialect runs with (WAL, `synchronous = NORMAL`): a crash of the server or the machine
 * may lose the last fraction of a second of commits (at most three `wal_writer_delay`s), never
 * part of one nor one before a later synchronous commit, and every ORM transaction (run claims
 * and transitions, edits) still waits for the flush, which covers all earlier commits. Waiting on
 * every commit cost 1-4 ms each on the bench machine, three per step: most of a step's time.
 */
export const PG_HOT_PATH_BEGIN = 'begin; set local synchronous_commit = off';

/** A leased node-postgres client: its executor and `BEGIN` / `COMMIT` on it. */
export function pgConnection(orm: MikroORM, client: PgClient, outsideTransaction = false): RawConnection {
  const sql = pgExecutor(orm, client, outsideTransaction);
  return {
    sql,
    begin: () => sql.run(PG_HOT_PATH_BEGIN, []).then(() => undefined),
    commit: () => sql.run('commit', []).then(() => undefined),
    rollback: () => sql.run('rollback', []).then(() => undefined),
  };
}
