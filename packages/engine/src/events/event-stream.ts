import type { EngineResources } from '../resources.js';
import { listEvents } from './event-store.js';
import type { WorkflowEvent } from './workflow-event.js';

/**
 * Replays stored events with `seq > afterSeq`, then streams live ones, with no gap and no
 * duplicate even while events are being emitted: it subscribes before reading the store,
 * buffers live events meanwhile, drops any `seq` it has already yielded, and fills a hole
 * (a live event whose seq is more than one ahead) from the store before yielding it.
 */
export function streamEvents(resources: EngineResources, workflowId: string, afterSeq = 0): AsyncIterableIterator<WorkflowEvent> {
  let lastSeq = afterSeq;
  const buffer: WorkflowEvent[] = [];
  let wake: (() => void) | null = null;
  let closed = false;
  const unsubscribe = resources.bus.subscribe(workflowId, (event) => {
    buffer.push(event);
    wake?.();
  });
  const pendingOut: WorkflowEvent[] = [];
  let replayed = false;

  async function fill(): Promise<void> {
    if (!replayed) {
      replayed = true;
      pendingOut.push(...(await listEvents(resources, workflowId, { afterSeq: lastSeq })));
      return;
    }
    while (buffer.length === 0 && !closed) await new Promise<void>((r) => (wake = r));
    wake = null;
    const live = buffer.splice(0).sort((a, b) => a.seq - b.seq);
    const expected = (pendingOut.at(-1)?.seq ?? lastSeq) + 1;
    if (live.length && live[0]!.seq > expected) {
      // Published out of commit order: read the missing range from the store.
      pendingOut.push(...(await listEvents(resources, workflowId, { afterSeq: expected - 1 })).filter((e) => e.seq < live[0]!.seq));
    }
    pendingOut.push(...live);
  }

  const iterator: AsyncIterableIterator<WorkflowEvent> = {
    async next() {
      for (;;) {
        if (closed) return { value: undefined, done: true };
        const event = pendingOut.shift();
        if (event) {
          if (event.seq <= lastSeq) continue;
          lastSeq = event.seq;
          return { value: event, done: false };
        }
        await fill();
      }
    },
    async return() {
      closed = true;
      unsubscribe();
      wake?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
