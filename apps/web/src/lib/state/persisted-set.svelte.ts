/**
 * A set of strings remembered in localStorage (e.g. dismissed optimizer suggestion ids). Reads
 * are reactive; a corrupt or missing entry reads as empty.
 */
export class PersistedSet {
  #values = $state<string[]>([]);
  readonly #key: string;

  constructor(key: string) {
    this.#key = key;
    try {
      const raw = globalThis.localStorage?.getItem(key);
      const parsed: unknown = raw ? JSON.parse(raw) : [];
      this.#values = Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
    } catch {
      this.#values = [];
    }
  }

  has(value: string): boolean {
    return this.#values.includes(value);
  }

  add(value: string): void {
    if (this.has(value)) return;
    this.#values = [...this.#values, value];
    try {
      globalThis.localStorage?.setItem(this.#key, JSON.stringify(this.#values));
    } catch {
      // Storage full or disabled: the dismissal still holds for this page's life.
    }
  }
}
