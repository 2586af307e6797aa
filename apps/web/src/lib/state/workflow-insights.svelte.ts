import type { Client } from '@urql/core';
import { EstimateCostQuery, OptimizeQuery, type CostEstimate, type OptimizationSuggestion, type WorkflowDefinitionInput } from '$lib/graphql/workflow';

/** Debounce for estimate and optimizer while the user types (the reference panel used 500 ms). */
export const INSIGHTS_DEBOUNCE_MS = 400;

/**
 * The editor's live cost estimate and optimizer suggestions for the definition being edited.
 * `schedule()` debounces; answers to an older definition are dropped when a newer one was asked.
 */
export class WorkflowInsights {
  #client: Client;
  #workflowId: string | null;
  #estimate = $state<CostEstimate | null>(null);
  #suggestions = $state<OptimizationSuggestion[]>([]);
  #pending = $state(false);
  #error = $state<string | null>(null);
  #ticket = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(client: Client, workflowId: string | null) {
    this.#client = client;
    this.#workflowId = workflowId;
  }

  get estimate(): CostEstimate | null {
    return this.#estimate;
  }
  get suggestions(): OptimizationSuggestion[] {
    return this.#suggestions;
  }
  get pending(): boolean {
    return this.#pending;
  }
  get error(): string | null {
    return this.#error;
  }

  /** Asks again after the debounce; returns a cancel function for `$effect` cleanup. */
  schedule(input: WorkflowDefinitionInput): () => void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#pending = true;
    const timer = setTimeout(() => void this.refresh(input), INSIGHTS_DEBOUNCE_MS);
    this.#timer = timer;
    return () => clearTimeout(timer);
  }

  async refresh(input: WorkflowDefinitionInput): Promise<void> {
    const ticket = ++this.#ticket;
    const usable = input.steps.length > 0 && input.steps.every((s) => s.name && s.prompt);
    if (!usable) {
      this.#pending = false;
      this.#estimate = null;
      this.#error = 'Give every step a name and a prompt to see an estimate.';
      return;
    }
    const [estimate, optimize] = await Promise.all([
      this.#client.query(EstimateCostQuery, { input }, { requestPolicy: 'network-only' }).toPromise(),
      this.#client.query(OptimizeQuery, { input, workflowId: this.#workflowId }, { requestPolicy: 'network-only' }).toPromise(),
    ]);
    if (ticket !== this.#ticket) return;
    this.#pending = false;
    this.#error = estimate.error ? (estimate.error.graphQLErrors[0]?.message ?? estimate.error.message) : null;
    this.#estimate = estimate.data?.estimateWorkflowCost ?? null;
    if (optimize.data) this.#suggestions = optimize.data.optimizeWorkflow;
  }
}
