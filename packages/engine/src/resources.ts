import type { MikroORM } from './db/orm-types.js';
import type { Clock } from './clock.js';
import type { EventBus } from './events/event-bus.js';
import type { SecretBox } from './settings/secret-box.js';
import type { RuntimeCatalog } from './runtimes/catalog.js';
import type { SqlExecutor } from './db/sql-executor.js';
import type { EngineTelemetry } from './observability/telemetry.js';

/** Minimal logger interface; the server passes its own, tests a silent one. */
export interface Logger {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

/** The shared resources every engine system receives (one object, passed down). */
export interface EngineResources {
  orm: MikroORM;
  clock: Clock;
  bus: EventBus;
  secrets: SecretBox;
  logger: Logger;
  catalog: RuntimeCatalog;
  /** Identifies this process as a lease owner: `host:pid:random`. */
  ownerId: string;
  /**
   * Scale-out (several instances on one PostgreSQL): where claims put the run to be driven, in
   * their own transaction, for whichever worker takes it. Absent: the claiming process drives it.
   */
  runQueue?: { enqueue(sql: SqlExecutor, job: { runId: string; workflowId: string }): Promise<void> };
  info: { dataDir: string; version: string };
  /** Where model calls, tool calls, step attempts and runs are reported for traces and metrics; absent: nowhere. */
  telemetry?: EngineTelemetry;
}

/** A logger that prints nothing (tests). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** A logger that prints one line per message to stderr. */
export const consoleLogger: Logger = {
  info: (m, d) => console.error(`[stagent] ${m}${d ? ' ' + JSON.stringify(d) : ''}`),
  warn: (m, d) => console.error(`[stagent] warning: ${m}${d ? ' ' + JSON.stringify(d) : ''}`),
  error: (m, d) => console.error(`[stagent] error: ${m}${d ? ' ' + JSON.stringify(d) : ''}`),
};
