import type { WorkflowEvent } from './workflow-event.js';

/**
 * Publish/subscribe for committed workflow events. The in-process implementation serves one
 * server; a Redis implementation with the same interface fans out across processes.
 */
export interface EventBus {
  publish(event: WorkflowEvent): void;
  /** Calls `listener` for every event of `workflowId` published from now on; returns an unsubscribe. */
  subscribe(workflowId: string, listener: (event: WorkflowEvent) => void): () => void;
  /** Calls `listener` for every event of every workflow (metrics, schedulers, CLI). */
  subscribeAll(listener: (event: WorkflowEvent) => void): () => void;
}

/** In-process {@link EventBus}. Listener errors are isolated so one bad subscriber cannot stop others. */
export class InMemoryEventBus implements EventBus {
  private readonly byWorkflow = new Map<string, Set<(event: WorkflowEvent) => void>>();
  private readonly all = new Set<(event: WorkflowEvent) => void>();

  publish(event: WorkflowEvent): void {
    for (const listener of this.byWorkflow.get(event.workflowId) ?? []) safeCall(listener, event);
    for (const listener of this.all) safeCall(listener, event);
  }

  subscribe(workflowId: string, listener: (event: WorkflowEvent) => void): () => void {
    let set = this.byWorkflow.get(workflowId);
    if (!set) this.byWorkflow.set(workflowId, (set = new Set()));
    set.add(listener);
    return () => {
      set!.delete(listener);
      if (set!.size === 0) this.byWorkflow.delete(workflowId);
    };
  }

  subscribeAll(listener: (event: WorkflowEvent) => void): () => void {
    this.all.add(listener);
    return () => this.all.delete(listener);
  }
}

function safeCall(listener: (event: WorkflowEvent) => void, event: WorkflowEvent): void {
  try {
    listener(event);
  } catch (error) {
    console.error('[stagent] event listener failed', error);
  }
}
