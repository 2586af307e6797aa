import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { p } from './base.js';

/**
 * A live Stagent process (an instance) on this database: registered when its engine starts,
 * renewed every heartbeat (`workflows/leases.ts` HEARTBEAT_INTERVAL_MS), deleted when it closes.
 * A row whose heartbeat is older than a lease (LEASE_DURATION_MS) belongs to a dead process: it
 * is not listed and the next registration or heartbeat of any instance deletes it.
 */
export const InstanceSchema = defineEntity({
  name: 'InstanceRow',
  tableName: 'instances',
  properties: {
    /** The process's lease owner id (`host:pid:random`, `resources.ownerId`): what runs it drives carry as `ownerId`. */
    id: p.string().primary(),
    host: p.string(),
    pid: p.integer(),
    /** `all`, `api` or `worker`. */
    role: p.string(),
    /** The engine's (or the server's) package version. */
    version: p.string(),
    startedAt: p.bigint('number'),
    heartbeatAt: p.bigint('number').index(),
    /** Steps this process was running at its last heartbeat. */
    runningSteps: p.integer().default(0),
  },
});
export type InstanceRow = InferEntity<typeof InstanceSchema>;
