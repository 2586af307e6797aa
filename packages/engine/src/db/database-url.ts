import { InvalidDatabaseUrlError } from '../errors.js';

/** A PostgreSQL server and database, read from a `postgres://` URL. */
export interface PostgresTarget {
  host: string;
  port: number;
  database: string;
  user?: string;
  password?: string;
  /** The URL with its password replaced by `***`: the only form that appears in messages and logs. */
  masked: string;
}

/** The URL with any password replaced by `***` (also for URLs that do not parse). */
export function maskDatabaseUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}

/**
 * Parses `postgres://[user[:password]@]host[:port]/database` (also `postgresql://`). Anything
 * else is refused with the masked URL and what a valid one looks like: never a silent fallback.
 */
export function parseDatabaseUrl(url: string): PostgresTarget {
  const masked = maskDatabaseUrl(url.trim());
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new InvalidDatabaseUrlError(masked, 'it is not a URL');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new InvalidDatabaseUrlError(masked, `the scheme is "${parsed.protocol.replace(/:$/, '')}", not postgres`);
  }
  if (!parsed.hostname) throw new InvalidDatabaseUrlError(masked, 'it names no host');
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!database || database.includes('/')) throw new InvalidDatabaseUrlError(masked, 'it names no database (the path after the host)');
  const port = parsed.port ? Number(parsed.port) : 5432;
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port,
    database,
    user: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    masked,
  };
}
