import type { MikroORM } from './orm-types.js';
import { sqlExecutorBetweenTransactions, withSqlExecutor, type SqlExecutor } from './sql-executor.js';

/**
 * Results of hot list reads, kept for as long as the database has not changed.
 *
 * A dashboard asks for the same workflow list over and over (every open tab, every refetch),
 * and building it is mostly the driver turning a few thousand SQLite values into JavaScript
 * ones. Whether anything changed is cheap to ask instead: {@link SqlExecutor.dataVersion} is,
 * on SQLite, the count of rows this connection changed plus its `data_version` (bumped by commits
 * of other connections and processes), one statement of a few µs; on PostgreSQL, the server's
 * snapshot, which changes when any session's transaction becomes visible (one round trip). Any
 * write moves it, so an entry can never outlive the data it was read from; a rolled-back write
 * or unrelated writes move it too, which only costs a miss. Reads inside a transaction (whose writes
 * may still roll back) get no version and always read through.
 *
 * Stored values are deep-frozen, because every later reader shares them: a caller that tried to
 * modify one would throw instead of corrupting the next reader's answer.
 */
export class ReadCache {
  private version: string | null = null;
  private readonly entries = new Map<string, unknown>();

  /** @param capacity entries kept per database version (oldest dropped first). */
  constructor(
    private readonly capacity = 32,
    private readonly enabled = true,
  ) {}

  /**
   * What `load` reads for `key`: the stored value while the database is unchanged since it was
   * read, otherwise a fresh read, stored when `cacheable` accepts it (e.g. not when it depends
   * on the clock). A hit is decided synchronously on the connection, without waiting for the
   * pool (see `sqlExecutorBetweenTransactions`); a miss leases the connection and reads.
   */
  async get<T>(orm: MikroORM, key: string, load: (sql: SqlExecutor) => Promise<T>, cacheable: (value: T) => boolean = () => true): Promise<T> {
    const kept = await this.kept<T>(sqlExecutorBetweenTransactions(orm), key);
    if (kept !== undefined) return kept;
    return withSqlExecutor(orm, (sql) => this.readThrough(sql, key, () => load(sql), cacheable));
  }

  /** The stored value of `key` if the database is unchanged since it was read; undefined otherwise and when `sql` is null. */
  private async kept<T>(sql: SqlExecutor | null, key: string): Promise<T | undefined> {
    if (!this.enabled || sql === null || this.version === null || !this.entries.has(key)) return undefined;
    return (await sql.dataVersion()) === this.version ? (this.entries.get(key) as T) : undefined;
  }

  /**
   * {@link get} on a leased connection. The version is asked before `load` reads with the same
   * `sql`, so a write that lands between the two can only make the entry look older than it is.
   */
  private async readThrough<T>(sql: SqlExecutor, key: string, load: () => Promise<T>, cacheable: (value: T) => boolean): Promise<T> {
    const version = this.enabled ? await sql.dataVersion() : null;
    if (version === null) return load();
    if (version !== this.version) {
      this.entries.clear();
      this.version = version;
    } else if (this.entries.has(key)) {
      return this.entries.get(key) as T;
    }
    const value = await load();
    // Reads run concurrently on a pool (PostgreSQL): one that saw an older version must not store
    // its value after a newer read moved the cache on.
    if (this.version === version && cacheable(value)) {
      if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, deepFreeze(value));
    }
    return value;
  }
}

/** Freezes `value` and everything reachable from it through plain objects and arrays. */
function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const child of Object.values(value as object)) deepFreeze(child);
  return value;
}
