import type { EngineResources } from '../resources.js';
import { allSettingRows, findSettingRow, writeSettings } from '../db/settings-store.js';
import { ErrorCode, StagentError, ValidationError } from '../errors.js';
import { SETTINGS, settingDefinition, validateSettingValue, type SettingDefinition, type SettingType } from './registry.js';

/** How long a read setting value is reused, ms (wall clock). */
export const SETTINGS_CACHE_MS = 1000;

/** A setting as shown to callers (contract `Setting`). Secrets never carry their value. */
export interface SettingView {
  key: string;
  value: unknown;
  isSet: boolean;
  writable: boolean;
  secret: boolean;
  description: string;
  type: SettingType;
  min: number | null;
  max: number | null;
  options: string[] | null;
}

/** Reads and writes settings through the registry; secrets are sealed with the engine's {@link SecretBox}. */
export class SettingsSystem {
  /**
   * Effective values read in the last {@link SETTINGS_CACHE_MS}: every step resolves several keys,
   * and re-reading them per step cost six queries. Writes through this system clear it at once;
   * writes by another process are seen within the TTL.
   */
  private cache = new Map<string, { value: unknown; at: number }>();

  constructor(private readonly resources: EngineResources) {}

  /** Every registered setting with its effective value (secrets: `value` null, `isSet` only). */
  async list(): Promise<SettingView[]> {
    const rows = new Map((await allSettingRows(this.resources)).map((r) => [r.key, r]));
    return SETTINGS.map((def) => this.view(def, rows.get(def.key)));
  }

  /** The effective value of a key: stored value, else the default (secrets: decrypted, else env). */
  async get<T = unknown>(key: string): Promise<T | null> {
    const def = settingDefinition(key);
    if (!def) throw new StagentError(ErrorCode.UNKNOWN_KEY, `Unknown setting "${key}".`, { field: ['key'] });
    if (def.readOnlyValue) return def.readOnlyValue(this.resources.info) as T;
    const now = Date.now();
    const cached = this.cache.get(key);
    if (cached && now - cached.at < SETTINGS_CACHE_MS) return cached.value as T | null;
    const row = await findSettingRow(this.resources, key);
    const value = row ? JSON.parse(row.encrypted ? this.resources.secrets.open(row.value) : row.value) : (def.default ?? null);
    this.cache.set(key, { value, at: now });
    return value as T | null;
  }

  /**
   * Applies every change or none: each bad key or value becomes one issue of a thrown
   * {@link ValidationError} (field `['input', index, 'value' | 'key']`) and nothing is written.
   * A `null` value unsets the key (back to its default).
   */
  async update(changes: { key: string; value: unknown }[]): Promise<SettingView[]> {
    const issues: StagentError[] = [];
    const seen = new Set<string>();
    changes.forEach((change, index) => {
      const def = settingDefinition(change.key);
      if (!def) {
        issues.push(
          new StagentError(ErrorCode.UNKNOWN_KEY, `Unknown setting "${change.key}"; see the settings list for valid keys.`, { field: ['input', index, 'key'] }),
        );
        return;
      }
      if (seen.has(change.key)) {
        issues.push(new StagentError(ErrorCode.INVALID_VALUE, `${change.key} appears twice in one update.`, { field: ['input', index, 'key'] }));
        return;
      }
      seen.add(change.key);
      if (!def.writable) {
        issues.push(new StagentError(ErrorCode.READ_ONLY, `${change.key} is read-only.`, { field: ['input', index, 'key'] }));
        return;
      }
      const problem = validateSettingValue(def, change.value);
      if (problem) issues.push(new StagentError(problem.code, problem.message, { field: ['input', index, 'value'] }));
    });
    if (issues.length) throw new ValidationError(issues);

    const now = this.resources.clock.now();
    this.cache.clear();
    // Written in one transaction, serialised with every other update (see db/settings-store.ts).
    const writes = changes.map(({ key, value }) => {
      const def = settingDefinition(key)!;
      if (value === null || value === undefined) return { key, stored: null, encrypted: def.secret };
      const json = JSON.stringify(value);
      return { key, stored: def.secret ? this.resources.secrets.seal(json) : json, encrypted: def.secret };
    });
    await writeSettings(this.resources, writes, now);
    this.cache.clear();
    this.resources.catalog.invalidate();
    return this.list();
  }

  private view(def: SettingDefinition, row: { value: string; encrypted: boolean } | undefined): SettingView {
    let value: unknown = def.default ?? null;
    if (def.readOnlyValue) value = def.readOnlyValue(this.resources.info);
    else if (row && !def.secret) value = JSON.parse(row.value);
    return {
      key: def.key,
      value: def.secret ? null : value,
      isSet: def.readOnlyValue ? true : def.secret ? Boolean(row) : row !== undefined || def.default !== null,
      writable: def.writable,
      secret: def.secret,
      description: def.description,
      type: def.type,
      min: def.min ?? null,
      max: def.max ?? null,
      options: def.options ? [...def.options] : null,
    };
  }
}
