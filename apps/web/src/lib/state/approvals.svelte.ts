import type { Client } from '@urql/core';
import { getContext, setContext } from 'svelte';
import { createSubscriber } from 'svelte/reactivity';
import { ToolCallsQuery, type ToolCall } from '$lib/graphql/tools';
import { whileVisible } from '$lib/visible-polling';

/** How often the waiting calls are asked for while the page is visible, ms. */
export const APPROVALS_POLL_MS = 4000;

/**
 * The tool calls waiting for a person, across every workflow (the nav's count and the Approvals
 * page). There is no event stream across workflows, so this re-asks `toolCalls(status:
 * WAITING_APPROVAL)` every {@link APPROVALS_POLL_MS} while something reads it and the page is
 * visible; a hidden tab asks nothing and asks at once when it is shown again. A decision made
 * here removes the call at once and asks again.
 */
export class WaitingApprovals {
  #client: Client;
  #calls = $state<ToolCall[] | null>(null);
  #error = $state<string | null>(null);
  #removed = new Set<string>();
  #ticket = 0;
  #subscribe: () => void;

  constructor(client: Client, pollMs = APPROVALS_POLL_MS) {
    this.#client = client;
    this.#subscribe = createSubscriber(() => whileVisible([() => void this.refresh(), pollMs]));
  }

  /** The waiting calls, oldest first; null until the first answer. */
  get calls(): ToolCall[] | null {
    this.#subscribe();
    return this.#calls;
  }

  get count(): number {
    return this.calls?.length ?? 0;
  }

  /** Why the last ask failed (the last known list stays). */
  get error(): string | null {
    this.#subscribe();
    return this.#error;
  }

  /** Asks now; an answer to an older ask never overwrites a newer one. */
  async refresh(): Promise<void> {
    const ticket = ++this.#ticket;
    const result = await this.#client.query(ToolCallsQuery, { status: 'WAITING_APPROVAL' }, { requestPolicy: 'network-only' }).toPromise();
    if (ticket !== this.#ticket) return;
    if (result.error || !result.data) {
      this.#error = result.error?.networkError ? 'Cannot reach the Stagent API.' : (result.error?.graphQLErrors[0]?.message ?? 'The server returned no data.');
      return;
    }
    this.#error = null;
    // An answer asked before a decision landed may still list the decided call: it stays out.
    const calls = result.data.toolCalls.filter((c) => !this.#removed.has(c.id));
    this.#calls = calls.reverse();
  }

  /** A call was decided (here or in a run view): it leaves the list now, and the list is asked for again. */
  decided(id: string): void {
    this.#removed.add(id);
    if (this.#calls) this.#calls = this.#calls.filter((c) => c.id !== id);
    void this.refresh();
  }
}

const KEY = Symbol('stagent-approvals');

/** Creates the app's one WaitingApprovals and shares it. Root layout only. */
export function provideApprovals(client: Client): WaitingApprovals {
  const approvals = new WaitingApprovals(client);
  setContext(KEY, approvals);
  return approvals;
}

/** The WaitingApprovals shared by the root layout. */
export function useApprovals(): WaitingApprovals {
  const approvals = getContext<WaitingApprovals | undefined>(KEY);
  if (!approvals) throw new Error('useApprovals() outside the root layout');
  return approvals;
}
