import { createHash, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { maskDatabaseUrl, parseDatabaseUrl } from '../db/database-url.js';
import { describeDatabase, type DatabaseLocation } from '../db/orm.js';
import { InvalidRedisUrlError, RedisUnreachableError } from '../errors.js';
import { consoleLogger, type Logger } from '../resources.js';
import { InMemoryEventBus, type EventBus } from './event-bus.js';
import type { WorkflowEvent } from './workflow-event.js';

/** How long {@link openRedisEventBus} waits for each connection before giving up, ms. */
export const REDIS_CONNECT_TIMEOUT_MS = 5_000;

/** Channels of every Redis event bus start with this; the namespace follows. */
export const REDIS_EVENT_CHANNEL_PREFIX = 'stagent:events:';

/** Options for {@link openRedisEventBus}. */
export interface RedisEventBusOptions {
  /**
   * Separates deployments sharing one Redis: buses of the same namespace see each other's events,
   * others do not. Every instance of one deployment must use the same; {@link eventNamespaceFor}
   * derives one from the database.
   */
  namespace: string;
  /** Where a lost or restored connection and a failed publish are reported; default the console logger. */
  logger?: Logger;
  /** Bound on each connection's first connect, ms (default {@link REDIS_CONNECT_TIMEOUT_MS}). */
  connectTimeoutMs?: number;
}

/** What travels on the channel: one synchronous run of publishes (one transaction's events), tagged with its sender. */
interface EventMessage {
  /** The publishing bus's {@link RedisEventBus.instanceId}: a bus ignores its own messages, which it delivered locally already. */
  from: string;
  events: WorkflowEvent[];
}

/** The URL with any password replaced by `***`: the only form of it in messages and logs. */
export function maskRedisUrl(url: string): string {
  return maskDatabaseUrl(url);
}

/**
 * Refuses anything but a `redis://` or `rediss://` URL, with the masked URL and what a valid one
 * looks like ({@link InvalidRedisUrlError}); returns the trimmed URL.
 */
export function checkRedisUrl(url: string): string {
  const trimmed = url.trim();
  const masked = maskRedisUrl(trimmed);
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    throw new InvalidRedisUrlError(masked, 'it is not a URL');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new InvalidRedisUrlError(masked, `the scheme is "${parsed.protocol.replace(/:$/, '')}", not redis or rediss`);
  }
  if (!parsed.hostname) throw new InvalidRedisUrlError(masked, 'it names no host');
  return trimmed;
}

/**
 * The default namespace of a deployment: a digest of its database (PostgreSQL host, port and
 * database without the credentials; else the SQLite file), so two deployments on one Redis do not
 * mix and every instance on one database meets on one channel. Instances must therefore name the
 * database the same way (the same host in `STAGENT_DATABASE_URL`).
 */
export function eventNamespaceFor(location: Pick<DatabaseLocation, 'dataDir' | 'databaseUrl'>): string {
  if (location.databaseUrl) {
    const target = parseDatabaseUrl(location.databaseUrl);
    return `pg-${digest(`${target.host.toLowerCase()}:${target.port}/${target.database}`)}`;
  }
  return `sqlite-${digest(describeDatabase(location))}`;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * An {@link EventBus} that fans committed events out to every process on the same Redis channel.
 * A publish reaches this process's listeners at once, synchronously (through an
 * {@link InMemoryEventBus}, whose listener isolation it keeps), and is sent to Redis with the other
 * publishes of the same synchronous run as one message, so that other instances also get one
 * transaction's events in one synchronous run. Messages from other instances are delivered to the
 * local listeners; this instance's own, echoed back by Redis, are ignored.
 *
 * While a connection is down ioredis reconnects; publishes wait in its queue for a while and are
 * then dropped (logged), and other instances miss those live events. Nothing is lost for a
 * subscriber, only late: a stream (`streamEvents`) fills a hole from the store when the next live
 * event arrives, and a client that subscribes again with `afterSeq` replays from the store.
 */
export class RedisEventBus implements EventBus {
  /** Tags this bus's messages; random per bus. */
  readonly instanceId = randomBytes(9).toString('base64url');
  /** The Redis channel: {@link REDIS_EVENT_CHANNEL_PREFIX} and the namespace. */
  readonly channel: string;
  private readonly local = new InMemoryEventBus();
  /** Events published in the current synchronous run, sent as one message in a microtask. */
  private pending: WorkflowEvent[] = [];
  private closed = false;
  /** Since the last failed send, until one succeeds: its failure was logged. */
  private sendFailing = false;

  /** Use {@link openRedisEventBus}: it connects both connections and subscribes first. */
  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    namespace: string,
    private readonly logger: Logger,
    /** The server for messages, password masked. */
    readonly maskedUrl: string,
  ) {
    this.channel = REDIS_EVENT_CHANNEL_PREFIX + namespace;
    subscriber.on('message', (channel: string, text: string) => {
      if (channel === this.channel) this.receive(text);
    });
  }

  publish(event: WorkflowEvent): void {
    this.local.publish(event);
    if (this.closed) return;
    if (this.pending.push(event) === 1) queueMicrotask(() => this.send());
  }

  subscribe(workflowId: string, listener: (event: WorkflowEvent) => void): () => void {
    return this.local.subscribe(workflowId, listener);
  }

  subscribeAll(listener: (event: WorkflowEvent) => void): () => void {
    return this.local.subscribeAll(listener);
  }

  /** Sends what is still pending, then quits both connections (after their replies). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.send();
    this.closed = true;
    await Promise.all([quit(this.publisher), quit(this.subscriber)]);
  }

  private send(): void {
    if (this.pending.length === 0) return;
    const message: EventMessage = { from: this.instanceId, events: this.pending };
    this.pending = [];
    this.publisher.publish(this.channel, JSON.stringify(message)).then(
      () => (this.sendFailing = false),
      (error: unknown) => {
        // Other instances miss these live events; their streams fill the hole from the store. One line per outage.
        if (this.sendFailing) return;
        this.sendFailing = true;
        this.logger.warn('Events not sent to Redis: other instances get them from the store on their next event', {
          url: this.maskedUrl,
          events: message.events.length,
          error: String(error),
        });
      },
    );
  }

  private receive(text: string): void {
    let message: EventMessage;
    try {
      message = JSON.parse(text) as EventMessage;
    } catch (error) {
      this.logger.warn('Ignored a message on the event channel that is not JSON', { channel: this.channel, error: String(error) });
      return;
    }
    if (message.from === this.instanceId || !Array.isArray(message.events)) return;
    for (const event of message.events) this.local.publish(event);
  }
}

/**
 * Opens a {@link RedisEventBus} on `url` (`redis://` or `rediss://`): connects its publisher and
 * its subscriber, each within `connectTimeoutMs`, and subscribes to the channel. Fails once with
 * {@link InvalidRedisUrlError} or {@link RedisUnreachableError} (URL password masked) instead of
 * retrying; once open, a lost connection is logged and ioredis reconnects (and subscribes again).
 */
export async function openRedisEventBus(url: string, options: RedisEventBusOptions): Promise<RedisEventBus> {
  const checked = checkRedisUrl(url);
  const masked = maskRedisUrl(checked);
  const logger = options.logger ?? consoleLogger;
  const timeoutMs = options.connectTimeoutMs ?? REDIS_CONNECT_TIMEOUT_MS;
  const publisher = connection(checked, 'publisher', masked, logger, timeoutMs);
  const subscriber = connection(checked, 'subscriber', masked, logger, timeoutMs);
  try {
    await Promise.all([connect(publisher.redis, masked, timeoutMs), connect(subscriber.redis, masked, timeoutMs)]);
    const bus = new RedisEventBus(publisher.redis, subscriber.redis, options.namespace, logger, masked);
    await subscriber.redis.subscribe(bus.channel);
    publisher.opened();
    subscriber.opened();
    return bus;
  } catch (error) {
    publisher.redis.disconnect();
    subscriber.redis.disconnect();
    if (error instanceof RedisUnreachableError) throw error;
    throw new RedisUnreachableError(masked, reason(error), error);
  }
}

/**
 * One ioredis connection that does not connect or retry until opened: its first connect must fail
 * once, with its reason; after {@link opened} it reconnects with a growing delay, and a lost
 * connection and its return are each logged once.
 */
function connection(url: string, role: string, maskedUrl: string, logger: Logger, timeoutMs: number): { redis: Redis; opened(): void } {
  let open = false;
  let healthy = true;
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    retryStrategy: (attempt) => (open ? Math.min(attempt * 200, 2_000) : null),
  });
  let lastError: unknown = null;
  // Before it is open, connect() reports a failure. A connection the server closes emits no error, only 'reconnecting'.
  redis.on('error', (error: unknown) => (lastError = error));
  redis.on('reconnecting', () => {
    if (!open || !healthy) return;
    healthy = false;
    logger.warn(`Redis ${role} connection lost; reconnecting. Live events may be missed meanwhile: streams fill such gaps from the store on the next event`, {
      url: maskedUrl,
      ...(lastError ? { error: String(lastError) } : {}),
    });
  });
  redis.on('ready', () => {
    if (!open || healthy) return;
    healthy = true;
    lastError = null;
    logger.info(`Redis ${role} connection restored`, { url: maskedUrl });
  });
  return {
    redis,
    opened: () => {
      open = true;
    },
  };
}

/**
 * Connects within `timeoutMs`, rejecting with the reason ioredis reported in its error event (its
 * promise rejects with a bare "Connection is closed"). The timer bounds TLS, AUTH and the ready
 * check besides the TCP connect (`connectTimeout`); it does not wait for ioredis to let go of a
 * socket that never answered (which takes it two more seconds).
 */
function connect(redis: Redis, maskedUrl: string, timeoutMs: number): Promise<void> {
  let failure: unknown = null;
  const onError = (error: unknown) => (failure ??= error);
  redis.on('error', onError);
  return new Promise<void>((resolve, reject) => {
    const settle = (error: RedisUnreachableError | null) => {
      clearTimeout(timer);
      redis.off('error', onError);
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => {
      redis.disconnect();
      settle(new RedisUnreachableError(maskedUrl, `no answer within ${timeoutMs} ms`, failure));
    }, timeoutMs);
    redis.connect().then(
      () => settle(null),
      (error: unknown) => settle(new RedisUnreachableError(maskedUrl, reason(failure ?? error), failure ?? error)),
    );
  });
}

function reason(error: unknown): string {
  const code = (error as { code?: string } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

async function quit(redis: Redis): Promise<void> {
  try {
    await redis.quit();
  } catch {
    // Already closed or never reconnected: nothing left to release.
    redis.disconnect();
  }
}
