import { hostname } from 'node:os';
import { deleteInstanceRow, liveInstanceRows, renewInstanceRow, upsertInstanceRow } from '../db/instance-store.js';
import type { EngineResources } from '../resources.js';
import { HEARTBEAT_INTERVAL_MS, LEASE_DURATION_MS, ownerIsGone } from '../workflows/leases.js';

/** What an instance does: `api` serves GraphQL and subscriptions, `worker` drives runs and fires schedules, `all` both. */
export const InstanceRole = { ALL: 'all', API: 'api', WORKER: 'worker' } as const;
export type InstanceRole = (typeof InstanceRole)[keyof typeof InstanceRole];
export const INSTANCE_ROLES: readonly InstanceRole[] = Object.values(InstanceRole);

/** A live Stagent process on this database. Times are epoch ms. */
export interface InstanceView {
  /** Its lease owner id (`host:pid:random`): runs it drives carry it as their `instanceId`. */
  id: string;
  host: string;
  pid: number;
  role: InstanceRole;
  /** The engine's (or the server's) package version. */
  version: string;
  startedAt: number;
  /** Its last heartbeat; listed only while within {@link LEASE_DURATION_MS}. */
  heartbeatAt: number;
  /** Steps it was running at its last heartbeat. */
  runningSteps: number;
}

/**
 * This process's registration in `instances`: written when the engine starts, renewed every
 * {@link HEARTBEAT_INTERVAL_MS} with the count of steps it runs (when timers run; tests call
 * {@link InstanceRegistry.heartbeat}), deleted when it closes. A process that dies leaves its row,
 * which stops being listed once its heartbeat is older than {@link LEASE_DURATION_MS} and is
 * deleted by the next registration or heartbeat of any instance.
 */
export class InstanceRegistry {
  private timer: NodeJS.Timeout | null = null;
  private startedAt: number | null = null;
  private closed = false;
  /** The heartbeat being written, which close waits for (so a late one cannot register the instance again). */
  private beating: Promise<void> | null = null;

  constructor(
    private readonly resources: EngineResources,
    readonly role: InstanceRole,
    /** Steps this process is running now. */
    private readonly runningSteps: () => number,
  ) {}

  /** This instance's id (the lease owner id of the runs it drives). */
  get id(): string {
    return this.resources.ownerId;
  }

  /** Registers this instance (again, after a sweep deleted its row) and deletes stale rows. */
  async register(): Promise<void> {
    const now = this.resources.clock.now();
    this.startedAt ??= now;
    await upsertInstanceRow(
      this.resources,
      {
        id: this.id,
        host: hostname(),
        pid: process.pid,
        role: this.role,
        version: this.resources.info.version,
        startedAt: this.startedAt,
        heartbeatAt: now,
        runningSteps: this.runningSteps(),
      },
      now - LEASE_DURATION_MS,
    );
  }

  /** Renews the heartbeat and the running-step count; registers again when the row was swept meanwhile. Nothing once closed. */
  async heartbeat(): Promise<void> {
    if (this.closed) return;
    const beat = (async () => {
      const now = this.resources.clock.now();
      const renewed = this.startedAt !== null && (await renewInstanceRow(this.resources, this.id, now, this.runningSteps(), now - LEASE_DURATION_MS));
      if (!renewed && !this.closed) await this.register();
    })();
    this.beating = beat;
    try {
      await beat;
    } finally {
      if (this.beating === beat) this.beating = null;
    }
  }

  /** Heartbeats every {@link HEARTBEAT_INTERVAL_MS} until {@link InstanceRegistry.close}. */
  startTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(
      () => void this.heartbeat().catch((error) => this.resources.logger.error('instance heartbeat failed', { error: String(error) })),
      HEARTBEAT_INTERVAL_MS,
    );
    this.timer.unref();
  }

  /** Stops heartbeating and deletes this instance's row (a closing process is no longer listed). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.beating?.catch(() => undefined);
    if (this.startedAt === null) return;
    this.startedAt = null;
    await deleteInstanceRow(this.resources, this.id);
  }

  /** The other live instances, leaving out one on this host whose process is gone (a crash just before a restart). */
  async others(): Promise<InstanceView[]> {
    return (await this.list()).filter((i) => i.id !== this.id && !ownerIsGone(i.id));
  }

  /** Live instances (heartbeat within {@link LEASE_DURATION_MS}), first started first. */
  async list(): Promise<InstanceView[]> {
    const rows = await liveInstanceRows(this.resources, this.resources.clock.now() - LEASE_DURATION_MS);
    return rows.map((r) => ({
      id: r.id,
      host: r.host,
      pid: r.pid,
      role: r.role as InstanceRole,
      version: r.version,
      startedAt: r.startedAt,
      heartbeatAt: r.heartbeatAt,
      runningSteps: r.runningSteps,
    }));
  }
}
