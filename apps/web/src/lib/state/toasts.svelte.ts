export type ToastKind = 'info' | 'success' | 'error';
export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
}

/** Short-lived notifications, announced through a live region by `Toasts.svelte`. */
class ToastManager {
  #items = $state<Toast[]>([]);
  #next = 1;

  get items(): readonly Toast[] {
    return this.#items;
  }

  show(message: string, kind: ToastKind = 'info', ttlMs = 6000): void {
    const id = this.#next++;
    this.#items = [...this.#items, { id, kind, message }];
    if (ttlMs > 0) setTimeout(() => this.dismiss(id), ttlMs);
  }

  dismiss(id: number): void {
    this.#items = this.#items.filter((t) => t.id !== id);
  }
}

export const toasts = new ToastManager();
