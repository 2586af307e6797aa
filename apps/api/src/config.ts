import { checkRedisUrl, INSTANCE_ROLES, InvalidRedisUrlError, resolveDataDir, type InstanceRole } from '@stagent/engine';
import { ALLOWED_HOSTS_VARIABLE, isLoopbackHost, parseAllowedHosts } from './host-admission.js';
import { defaultOperationLimits, type OperationLimits } from './operation-limits.js';

export { isLoopbackHost };

/** Server configuration, read from the environment by {@link loadConfig}. */
export interface ApiConfig {
  /** Address to bind (HOST, default 127.0.0.1). Any non-loopback address requires {@link apiToken}. */
  host: string;
  /** TCP port (PORT, default 4000; 0 = any free port). */
  port: number;
  /** Where the SQLite database and secrets key live (STAGENT_DATA_DIR, default ~/.stagent: the engine's {@link resolveDataDir}, the same for every command). */
  dataDir: string;
  /**
   * `postgres://user:password@host:port/database` (STAGENT_DATABASE_URL): the rows live in that
   * PostgreSQL database instead of the SQLite file in {@link dataDir}, which still holds the secret
   * key. Null (unset or empty) = SQLite. A URL that does not parse or a server that does not answer
   * ends start-up with an error; there is never a fallback to SQLite.
   */
  databaseUrl: string | null;
  /**
   * `redis://[:password@]host:6379[/db]` or `rediss://` (STAGENT_REDIS_URL): events fan out through
   * this Redis to every instance on the same database, so a subscriber on any of them gets every
   * run's events live. Null (unset or empty) = events reach only subscribers of this process. A URL
   * of another scheme is a {@link ConfigError}; a server that does not answer ends start-up.
   */
  redisUrl: string | null;
  /** Bearer token required on HTTP and in WebSocket connectionParams (STAGENT_API_TOKEN); null = none. */
  apiToken: string | null;
  /** NODE_ENV === 'production': no GraphiQL. */
  production: boolean;
  /**
   * Whether `__schema` and `__type` are answered (STAGENT_INTROSPECTION, default on, also in
   * production: integrators' tools such as graphql-codegen read the schema this way; "0" turns it
   * off, and GraphiQL with it, since GraphiQL needs it).
   */
  introspection: boolean;
  /** Seed demo data into an empty database on start (STAGENT_DEMO, default on; "0" turns it off). */
  demo: boolean;
  /** Browser origins allowed by CORS and on WebSocket upgrades (STAGENT_CORS_ORIGINS, comma-separated). */
  corsOrigins: string[];
  /**
   * Host names answered without a token besides loopback (STAGENT_ALLOWED_HOSTS, comma-separated,
   * lowercase, no port), for a reverse proxy that keeps the browser's `Host`. See host-admission.js.
   */
  allowedHosts: string[];
  /** Largest accepted request body, bytes (STAGENT_MAX_BODY_BYTES, default 2 MiB: documents travel in mutations). */
  maxBodyBytes: number;
  /**
   * Bytes a WebSocket subscriber may leave unread before the server closes it with
   * {@link WS_SUBSCRIBER_TOO_SLOW} (STAGENT_MAX_UNREAD_BYTES, default 8 MiB): a client that stops
   * reading must not make the server buffer its events without bound. It resumes by subscribing
   * again with `afterSeq`.
   */
  maxUnreadBytes: number;
  /**
   * What this instance does (STAGENT_ROLE): `all` (default: serves the API and drives runs), `api`
   * (serves GraphQL and subscriptions) or `worker` (drives runs and fires schedules). `api` and
   * `worker` need PostgreSQL (STAGENT_DATABASE_URL) and Redis (STAGENT_REDIS_URL); see {@link instanceRole}.
   */
  role: InstanceRole;
  /** Runs a worker (role `worker` or `all`) drives at a time (STAGENT_WORKER_CONCURRENCY, 1-64, default 4). */
  workerConcurrency: number;
  /**
   * How long a run's lease lasts without a heartbeat, ms (STAGENT_LEASE_MS, 5,000-600,000, default
   * 60,000): how soon a dead instance's runs are taken over. The engine reads the variable itself
   * when it loads; it is checked here so that a bad value is refused rather than ignored.
   */
  leaseMs: number;
  /** Operation shape limits. */
  limits: OperationLimits;
  /**
   * Lowest level written to the JSON log on stderr (LOG_LEVEL: trace, debug, info, warn, error or
   * fatal; default info). Run and step ends are info (failures warn), model and tool calls debug.
   */
  logLevel: LogLevel;
  /** Whether GET /metrics answers in Prometheus text (STAGENT_METRICS, default on; "0" turns it off, then /metrics is 404). */
  metrics: boolean;
}

/** The levels LOG_LEVEL accepts, lowest first (pino's). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** WebSocket close code for a subscriber that left more than {@link ApiConfig.maxUnreadBytes} unread. */
export const WS_SUBSCRIBER_TOO_SLOW = 4413;

/** Thrown when the configuration is unsafe or malformed; the message says what to set. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The dashboard's usual dev and preview origins. */
const DEFAULT_ORIGINS = [
  'http://localhost:5173',
  'http://127.0.0.1:5173',
  'http://localhost:4173',
  'http://127.0.0.1:4173',
  'http://localhost:3000',
  'http://127.0.0.1:3000',
];

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}".`);
  return value;
}

/** A switch written as 1 (on) or 0 (off); anything else is refused rather than guessed. */
function onOff(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (raw === '1' || raw === '0') return raw === '1';
  throw new ConfigError(`${name} must be 1 (on) or 0 (off), got "${raw.slice(0, 64)}".`);
}

/** LOG_LEVEL (case-insensitive), default info; anything else is refused rather than logged at a guessed level. */
function logLevel(env: NodeJS.ProcessEnv): LogLevel {
  const raw = env.LOG_LEVEL?.trim();
  if (!raw) return 'info';
  const level = LOG_LEVELS.find((l) => l === raw.toLowerCase());
  if (!level) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw.slice(0, 64)}".`);
  return level;
}

/** STAGENT_REDIS_URL, checked by the engine's rule (redis:// or rediss://); null when unset or empty. */
function redisUrl(env: NodeJS.ProcessEnv): string | null {
  const raw = env.STAGENT_REDIS_URL?.trim();
  if (!raw) return null;
  try {
    return checkRedisUrl(raw);
  } catch (error) {
    if (error instanceof InvalidRedisUrlError) throw new ConfigError(error.message);
    throw error;
  }
}

/**
 * STAGENT_ROLE, refused (one line saying what to do) when it is unknown, or when an `api` or
 * `worker` instance could not share its work: on SQLite (one process owns the file) or without
 * Redis (events of runs a worker drives would reach no subscriber of an api instance).
 */
function instanceRole(env: NodeJS.ProcessEnv): InstanceRole {
  const raw = env.STAGENT_ROLE?.trim() || 'all';
  const role = INSTANCE_ROLES.find((r) => r === raw);
  if (!role) {
    throw new ConfigError(
      `STAGENT_ROLE must be all, api or worker, got "${raw.slice(0, 64)}": use all for one instance that serves and runs, api or worker to split them.`,
    );
  }
  if (role === 'all') return role;
  if (!env.STAGENT_DATABASE_URL?.trim())
    throw new ConfigError(`STAGENT_ROLE=${role} needs PostgreSQL, since SQLite is one process: use STAGENT_ROLE=all or set STAGENT_DATABASE_URL.`);
  if (!env.STAGENT_REDIS_URL?.trim())
    throw new ConfigError(
      `STAGENT_ROLE=${role} needs Redis: events of runs driven by a worker would reach no subscriber of an api instance: set STAGENT_REDIS_URL.`,
    );
  return role;
}

/** Reads the configuration from environment variables (see README for the list). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const token = env.STAGENT_API_TOKEN?.trim();
  const allowedHosts = parseAllowedHosts(env[ALLOWED_HOSTS_VARIABLE]);
  if (allowedHosts.invalid.length) {
    throw new ConfigError(
      `${ALLOWED_HOSTS_VARIABLE} lists host names without port or scheme (e.g. "stagent.example.com"), got ${allowedHosts.invalid.map((n) => JSON.stringify(n.slice(0, 64))).join(', ')}.`,
    );
  }
  return {
    host: env.HOST?.trim() || '127.0.0.1',
    port: integer(env, 'PORT', 4000, 0, 65_535),
    dataDir: resolveDataDir(env),
    databaseUrl: env.STAGENT_DATABASE_URL?.trim() || null,
    redisUrl: redisUrl(env),
    apiToken: token ? token : null,
    production: env.NODE_ENV === 'production',
    introspection: onOff(env, 'STAGENT_INTROSPECTION', true),
    demo: env.STAGENT_DEMO !== '0',
    corsOrigins: env.STAGENT_CORS_ORIGINS
      ? env.STAGENT_CORS_ORIGINS.split(',')
          .map((o) => o.trim())
          .filter(Boolean)
      : DEFAULT_ORIGINS,
    allowedHosts: allowedHosts.names,
    maxBodyBytes: integer(env, 'STAGENT_MAX_BODY_BYTES', 2 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    maxUnreadBytes: integer(env, 'STAGENT_MAX_UNREAD_BYTES', 8 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),
    role: instanceRole(env),
    workerConcurrency: integer(env, 'STAGENT_WORKER_CONCURRENCY', 4, 1, 64),
    leaseMs: integer(env, 'STAGENT_LEASE_MS', 60_000, 5_000, 600_000),
    limits: defaultOperationLimits,
    logLevel: logLevel(env),
    metrics: onOff(env, 'STAGENT_METRICS', true),
  };
}

/** Refuses a configuration that would expose the API without a token. */
export function assertSafeBinding(config: Pick<ApiConfig, 'host' | 'apiToken'>): void {
  if (!isLoopbackHost(config.host) && !config.apiToken) {
    throw new ConfigError(`Refusing to listen on ${config.host} without a token: set STAGENT_API_TOKEN, or bind to 127.0.0.1 (HOST).`);
  }
}
