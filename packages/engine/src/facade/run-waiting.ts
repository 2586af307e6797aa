import type { EventBus } from '../events/event-bus.js';

/** Kinds after which a run may have stopped RUNNING: it ended, paused, or parked for an approval. */
const STOPPING = new Set(['RUN_COMPLETED', 'RUN_FAILED', 'RUN_CANCELLED', 'RUN_PAUSED', 'STEP_WAITING_APPROVAL', 'TOOL_APPROVAL_REQUESTED']);

/**
 * Waits for a run another instance drives: re-reads it at each of its events that may stop it,
 * and every second besides (an event lost with a Redis outage must not leave the caller waiting).
 */
export async function waitElsewhere<T extends { status: string }>(bus: EventBus, workflowId: string, runId: string, read: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const check = () =>
      void read().then((run) => {
        if (done || run.status === 'RUNNING') return;
        done = true;
        unsubscribe();
        clearInterval(timer);
        resolve(run);
      }, reject);
    const unsubscribe = bus.subscribe(workflowId, (event) => {
      if (event.runId === runId && STOPPING.has(event.kind)) check();
    });
    const timer = setInterval(check, 1_000);
    timer.unref();
    check();
  });
}
