import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ManualClock } from '../../clock.js';
import { openDatabase } from '../../db/orm.js';
import { testDatabase } from '../../db/test-databases.js';
import { InMemoryEventBus } from '../../events/event-bus.js';
import { newId } from '../../ids.js';
import type { EngineResources, Logger } from '../../resources.js';
import { RuntimeCatalog } from '../../runtimes/catalog.js';
import { SimulatedRuntime } from '../../runtimes/simulated.js';
import { SecretBox } from '../../settings/secret-box.js';

/** A log line captured by {@link RecordingLogger}. */
export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  data?: Record<string, unknown>;
}

/** A logger that keeps every line so tests can assert what was logged. */
export class RecordingLogger implements Logger {
  readonly lines: LogLine[] = [];
  info(message: string, data?: Record<string, unknown>): void {
    this.lines.push({ level: 'info', message, data });
  }
  warn(message: string, data?: Record<string, unknown>): void {
    this.lines.push({ level: 'warn', message, data });
  }
  error(message: string, data?: Record<string, unknown>): void {
    this.lines.push({ level: 'error', message, data });
  }
}

/** A temporary directory for a file database, removed by the returned `remove()`. */
export function temporaryDataDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'stagent-schedules-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Engine resources for scheduler tests: a migrated database (`:memory:` or a file in `dataDir`;
 * on PostgreSQL under `STAGENT_TEST_DATABASE=postgres`, see `db/test-databases.ts`), the given
 * {@link ManualClock}, a catalog holding the simulated runtime, an in-memory bus and a
 * {@link RecordingLogger}. Two calls with the same `dataDir` give two "processes" sharing one
 * database (one SQLite file, or one PostgreSQL database). Closing the ORM also drops a private
 * PostgreSQL database.
 */
export async function openScheduleTestResources(options: {
  dataDir?: string;
  clock: ManualClock;
}): Promise<EngineResources & { logger: RecordingLogger; clock: ManualClock }> {
  const dataDir = options.dataDir ?? ':memory:';
  const database = await testDatabase(dataDir);
  const orm = await openDatabase(database.location);
  const close = orm.close.bind(orm);
  orm.close = async (force?: boolean) => {
    await close(force);
    await database.release();
  };
  return {
    orm,
    clock: options.clock,
    bus: new InMemoryEventBus(),
    secrets: SecretBox.forDataDir(':memory:'),
    logger: new RecordingLogger(),
    catalog: new RuntimeCatalog().register(new SimulatedRuntime(options.clock)),
    ownerId: `test:${newId().slice(0, 8)}`,
    info: { dataDir, version: 'test' },
  };
}
