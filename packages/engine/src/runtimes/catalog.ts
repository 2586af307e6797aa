import { ErrorCode, StagentError } from '../errors.js';
import type { RuntimeAdapter, RuntimeDescriptor } from './runtime.js';

/** How long a runtime's availability probe result is reused, ms (a setting change shows within it). */
export const DESCRIBE_CACHE_MS = 5_000;

/** Order in which runtimes are listed, and tried as "first available" when nothing else decides. */
const ORDER = ['claude-code', 'openai-codex-app-server', 'anthropic-direct', 'openai-direct', 'ollama', 'simulated'];

/**
 * The runtime catalog: the registered adapters and their descriptors. Model ids come from here
 * only. An unknown runtime or model id is an error, never a fallback.
 */
export class RuntimeCatalog {
  private readonly adapters = new Map<string, RuntimeAdapter>();
  /** Descriptors are probed (local servers, CLIs) at most once per {@link DESCRIBE_CACHE_MS}. */
  private readonly described = new Map<string, { at: number; descriptor: Promise<RuntimeDescriptor> }>();

  register(adapter: RuntimeAdapter): this {
    this.adapters.set(adapter.id, adapter);
    this.described.delete(adapter.id);
    return this;
  }

  /** Forgets probed availability (after a key or base URL setting changed). */
  invalidate(): void {
    this.described.clear();
  }

  has(id: string): boolean {
    return this.adapters.has(id);
  }

  /** The adapter for an id; throws a NOT_FOUND {@link StagentError} for an unknown id. */
  get(id: string, field: (string | number)[] = ['runtimeId']): RuntimeAdapter {
    const adapter = this.adapters.get(id);
    if (!adapter) throw new StagentError(ErrorCode.NOT_FOUND, `Unknown runtime "${id}". Known runtimes: ${this.ids().join(', ')}.`, { field });
    return adapter;
  }

  ids(): string[] {
    return [...this.adapters.keys()].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
  }

  /** Every descriptor, availability checked now. */
  async describeAll(): Promise<RuntimeDescriptor[]> {
    return Promise.all(this.ids().map((id) => this.describe(id)));
  }

  async describe(id: string): Promise<RuntimeDescriptor> {
    const adapter = this.get(id);
    const cached = this.described.get(id);
    if (cached && Date.now() - cached.at < DESCRIBE_CACHE_MS) return cached.descriptor;
    const descriptor = adapter.describe();
    this.described.set(id, { at: Date.now(), descriptor });
    descriptor.catch(() => this.described.delete(id));
    return descriptor;
  }

  /** The first available runtime in catalog order (the simulator is last). */
  async firstAvailable(): Promise<RuntimeDescriptor | undefined> {
    for (const d of await this.describeAll()) if (d.available) return d;
    return undefined;
  }

  /**
   * Resolves a model for a runtime: the given id when the runtime supports it, else its default.
   * Throws NOT_FOUND (with `field`) for a model the runtime does not list.
   */
  async resolveModel(runtimeId: string, modelId: string | null | undefined, field: (string | number)[] = ['modelId']): Promise<string> {
    const d = await this.describe(runtimeId);
    if (!modelId) return d.models.default;
    if (!d.models.supported.includes(modelId))
      throw new StagentError(ErrorCode.NOT_FOUND, `Runtime ${runtimeId} has no model "${modelId}". Supported: ${d.models.supported.join(', ')}.`, { field });
    return modelId;
  }
}
