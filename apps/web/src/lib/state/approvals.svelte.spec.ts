import { flushSync } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Client } from '@urql/core';
import { toolCallFactory } from '$test/factories/tool-call';
import { WaitingApprovals } from './approvals.svelte';

/** A client whose toolCalls answer the test sets; counts the asks. */
function fakeClient(answer: () => unknown[]) {
  const asks: Record<string, unknown>[] = [];
  const client = {
    query: (_doc: unknown, variables: Record<string, unknown>) => ({
      toPromise: async () => {
        asks.push(variables);
        return { data: { toolCalls: answer() } };
      },
    }),
  } as unknown as Client;
  return { client, asks };
}

function setVisibility(state: 'visible' | 'hidden') {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  document.dispatchEvent(new Event('visibilitychange'));
}

describe('WaitingApprovals', () => {
  afterEach(() => {
    vi.useRealTimers();
    setVisibility('visible');
  });

  it('asks while read and visible, not while hidden, and at once when shown again', async () => {
    vi.useFakeTimers();
    const newer = toolCallFactory({ id: 'c2' });
    const older = toolCallFactory({ id: 'c1' });
    const { client, asks } = fakeClient(() => [newer, older]);
    const approvals = new WaitingApprovals(client, 1000);
    expect(asks).toHaveLength(0);

    const stop = $effect.root(() => {
      $effect(() => {
        void approvals.count;
      });
    });
    flushSync();
    await vi.advanceTimersByTimeAsync(0);
    expect(asks).toEqual([{ status: 'WAITING_APPROVAL' }]);
    expect(approvals.calls?.map((c) => c.id)).toEqual(['c1', 'c2']);

    await vi.advanceTimersByTimeAsync(2000);
    expect(asks).toHaveLength(3);
    setVisibility('hidden');
    await vi.advanceTimersByTimeAsync(5000);
    expect(asks).toHaveLength(3);
    setVisibility('visible');
    await vi.advanceTimersByTimeAsync(0);
    expect(asks).toHaveLength(4);

    stop();
    flushSync();
    await vi.advanceTimersByTimeAsync(5000);
    expect(asks).toHaveLength(4);
  });

  it('drops a decided call at once, even from an answer asked before the decision', async () => {
    const waiting = toolCallFactory({ id: 'c1' });
    const { client } = fakeClient(() => [waiting]);
    const approvals = new WaitingApprovals(client, 60_000);
    await approvals.refresh();
    expect(approvals.count).toBe(1);
    approvals.decided('c1');
    expect(approvals.count).toBe(0);
    await approvals.refresh();
    expect(approvals.count).toBe(0);
  });
});
