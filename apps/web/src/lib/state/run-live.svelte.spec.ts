import { render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import type { StagentClient } from '$lib/graphql/client';
import { runFactory, workflowEventFactory } from '$test/factories/workflow-event';
import { stepRunFactory } from '$test/factories/step-run';
import { toolCallFactory } from '$test/factories/tool-call';
import RunLiveProbe from '$test/RunLiveProbe.svelte';
import { RunLive } from './run-live.svelte';

/** A client whose subscriptions and socket events the test drives by hand. */
function fakeClient() {
  const subscriptions: { variables: Record<string, unknown>; push: (data: unknown) => void; unsubscribe: ReturnType<typeof vi.fn> }[] = [];
  const listeners: Record<string, (() => void)[]> = {};
  const client = {
    urql: {
      subscription: (_doc: unknown, variables: Record<string, unknown>) => ({
        subscribe(cb: (result: { data: unknown }) => void) {
          const entry = { variables, push: (data: unknown) => cb({ data }), unsubscribe: vi.fn() };
          subscriptions.push(entry);
          return { unsubscribe: entry.unsubscribe };
        },
      }),
      query: () => ({ toPromise: async () => ({ data: null }) }),
    },
    ws: {
      on(event: string, cb: () => void) {
        (listeners[event] ??= []).push(cb);
        return () => (listeners[event] = listeners[event].filter((l) => l !== cb));
      },
    },
  } as unknown as StagentClient;
  const emit = (event: string) => listeners[event]?.forEach((l) => l());
  return { client, subscriptions, emit, listeners };
}

describe('RunLive', () => {
  it("keeps a loop's iterations apart (one step id, a row each) and lets a new attempt replace its iteration's row", () => {
    const { client, subscriptions } = fakeClient();
    const first = stepRunFactory({ id: 'sr-1', stepId: 'polish', iteration: 1, status: 'COMPLETED' });
    const live = new RunLive(client, 'wf-1', 'run-1', runFactory({ steps: [first] }));
    const stop = $effect.root(() => {
      $effect(() => {
        void live.run;
      });
    });
    flushSync();
    const push = (seq: number, step: ReturnType<typeof stepRunFactory>) =>
      subscriptions[0].push({ workflowEvents: workflowEventFactory({ seq, kind: 'STEP_STARTED', stepId: 'polish', step }) });
    push(1, { ...first, status: 'COMPLETED' });
    push(2, stepRunFactory({ id: 'sr-2', stepId: 'polish', iteration: 2, status: 'RUNNING' }));
    expect(live.steps.map((s) => [s.id, s.iteration, s.status])).toEqual([
      ['sr-1', 1, 'COMPLETED'],
      ['sr-2', 2, 'RUNNING'],
    ]);
    // A retry's new attempt of iteration 2 takes that iteration's row.
    push(3, stepRunFactory({ id: 'sr-3', stepId: 'polish', iteration: 2, attempt: 2, status: 'RUNNING' }));
    expect(live.steps.map((s) => s.id)).toEqual(['sr-1', 'sr-3']);
    stop();
  });

  it('subscribes while read, applies events once, and disposes when nothing reads it', () => {
    const { client, subscriptions } = fakeClient();
    const live = new RunLive(client, 'wf-1', 'run-1', runFactory());
    expect(subscriptions).toHaveLength(0);

    const stop = $effect.root(() => {
      $effect(() => {
        void live.run;
      });
    });
    flushSync();
    expect(subscriptions).toHaveLength(1);
    expect(subscriptions[0].variables).toEqual({ workflowId: 'wf-1', afterSeq: 0 });

    const started = workflowEventFactory({
      seq: 1,
      kind: 'STEP_STARTED',
      stepId: 'a',
      step: stepRunFactory({ stepId: 'a', name: 'Research', status: 'RUNNING' }),
    });
    subscriptions[0].push({ workflowEvents: started });
    subscriptions[0].push({ workflowEvents: workflowEventFactory({ seq: 2, kind: 'STEP_OUTPUT_DELTA', stepId: 'a', outputDelta: 'Hello ' }) });
    subscriptions[0].push({ workflowEvents: workflowEventFactory({ seq: 2, kind: 'STEP_OUTPUT_DELTA', stepId: 'a', outputDelta: 'Hello ' }) });
    subscriptions[0].push({ workflowEvents: workflowEventFactory({ seq: 3, kind: 'STEP_OUTPUT_DELTA', stepId: 'a', outputDelta: 'world' }) });
    expect(live.steps[0].status).toBe('RUNNING');
    expect(live.outputOf('a')).toBe('Hello world');
    expect(live.focusStep?.stepId).toBe('a');
    expect(live.lastSeq).toBe(3);

    stop();
    flushSync();
    expect(subscriptions[0].unsubscribe).toHaveBeenCalled();
  });

  it('resumes from the last seen seq after the socket drops', async () => {
    const { client, subscriptions, emit } = fakeClient();
    const live = new RunLive(client, 'wf-1', 'run-1', runFactory());
    const stop = $effect.root(() => {
      $effect(() => {
        void live.connection;
      });
    });
    flushSync();
    subscriptions[0].push({ workflowEvents: workflowEventFactory({ seq: 7, kind: 'RUN_STARTED' }) });
    emit('closed');
    await Promise.resolve();
    expect(subscriptions[0].unsubscribe).toHaveBeenCalled();
    expect(subscriptions).toHaveLength(2);
    expect(subscriptions[1].variables).toEqual({ workflowId: 'wf-1', afterSeq: 7 });
    stop();
  });

  it('ignores events of other runs but still advances the seq', () => {
    const { client, subscriptions } = fakeClient();
    const live = new RunLive(client, 'wf-1', 'run-1', runFactory());
    const stop = $effect.root(() => {
      $effect(() => {
        void live.run;
      });
    });
    flushSync();
    subscriptions[0].push({ workflowEvents: workflowEventFactory({ seq: 4, kind: 'RUN_STARTED', runId: 'run-0' }) });
    subscriptions[0].push({
      workflowEvents: workflowEventFactory({
        seq: 5,
        kind: 'STEP_FAILED',
        runId: 'run-0',
        stepId: 'a',
        step: stepRunFactory({ stepId: 'a', status: 'FAILED' }),
      }),
    });
    expect(live.steps[0].status).toBe('PENDING');
    expect(live.lastSeq).toBe(5);
    stop();
  });
});

describe('RunLive tool calls', () => {
  function liveRun(stored: unknown[] = []) {
    const { client, subscriptions } = fakeClient();
    (client.urql as unknown as { query: unknown }).query = () => ({ toPromise: async () => ({ data: { toolCalls: stored } }) });
    const live = new RunLive(client, 'wf-1', 'run-1', runFactory());
    const stop = $effect.root(() => {
      $effect(() => {
        void live.run;
      });
    });
    flushSync();
    return { live, push: (event: Parameters<typeof workflowEventFactory>[0]) => subscriptions[0].push({ workflowEvents: workflowEventFactory(event) }), stop };
  }

  it('follows a call through its TOOL_* events, per step and in the order asked', () => {
    const { live, push, stop } = liveRun();
    const waiting = toolCallFactory({ id: 'c1', stepId: 'a' });
    push({ seq: 1, kind: 'TOOL_APPROVAL_REQUESTED', stepId: 'a', toolCall: waiting });
    expect(live.waitingToolCalls.map((c) => c.id)).toEqual(['c1']);
    // The step waits, then the run parks with an event that names the step but carries no state of it.
    push({ seq: 100, kind: 'STEP_WAITING_APPROVAL', stepId: 'a', step: stepRunFactory({ stepId: 'a', status: 'WAITING_APPROVAL' }) });
    push({ seq: 101, kind: 'RUN_PAUSED', stepId: 'a' });
    expect(live.run?.status).toBe('WAITING_APPROVAL');
    push({ seq: 102, kind: 'TOOL_APPROVAL_RESOLVED', stepId: 'a', toolCall: { ...waiting, status: 'RUNNING', resolvedAt: waiting.requestedAt } });
    push({ seq: 103, kind: 'TOOL_STARTED', stepId: 'a', toolCall: { ...waiting, status: 'RUNNING', startedAt: waiting.requestedAt } });
    push({ seq: 104, kind: 'TOOL_FINISHED', stepId: 'a', toolCall: { ...waiting, status: 'SUCCEEDED', output: 'hello' } });
    push({ seq: 105, kind: 'TOOL_STARTED', stepId: 'b', toolCall: toolCallFactory({ id: 'c2', stepId: 'b', status: 'RUNNING', approval: 'AUTO' }) });
    expect(live.waitingToolCalls).toEqual([]);
    expect(live.toolCallsOf('a').map((c) => [c.id, c.status, c.output])).toEqual([['c1', 'SUCCEEDED', 'hello']]);
    expect(live.toolCallsOf('b').map((c) => c.id)).toEqual(['c2']);
    stop();
  });

  it('never lets an older view (a slow query, a late decision) replace a newer one', async () => {
    const finished = toolCallFactory({ id: 'c1', status: 'SUCCEEDED', output: 'done' });
    const { live, push, stop } = liveRun([{ ...finished, status: 'WAITING_APPROVAL', output: null }, toolCallFactory({ id: 'c9', runId: 'run-0' })]);
    push({ seq: 1, kind: 'TOOL_FINISHED', stepId: 'a', toolCall: finished });
    await live.loadToolCalls();
    expect(live.toolCallsLoaded).toBe(true);
    expect(live.toolCallsOf('a').map((c) => c.status)).toEqual(['SUCCEEDED']);

    const started = toolCallFactory({ id: 'c3', status: 'RUNNING', startedAt: new Date(1_700_000_000_000).toISOString() });
    live.upsertToolCall(started);
    live.upsertToolCall({ ...started, startedAt: null });
    expect(live.toolCallsOf('a').find((c) => c.id === 'c3')?.startedAt).toBe(started.startedAt);
    stop();
  });
});

describe('RunLive durable turns', () => {
  it('parks on a cap pause, then counts the reused work of a resume in the totals', () => {
    const { client, subscriptions } = fakeClient();
    const live = new RunLive(client, 'wf-1', 'run-1', runFactory());
    const stop = $effect.root(() => {
      $effect(() => {
        void live.run;
      });
    });
    flushSync();
    const push = (event: Parameters<typeof workflowEventFactory>[0]) => subscriptions[0].push({ workflowEvents: workflowEventFactory(event) });
    const capped = { stepId: 'b', name: 'Draft', turns: 1, costUsd: 0.0003, budgetUsd: 0.0001, failureCategory: 'BUDGET_EXCEEDED' as const };
    push({ seq: 1, kind: 'STEP_PAUSED', stepId: 'b', step: stepRunFactory({ ...capped, status: 'PAUSED', error: 'Paused: over its cap.' }) });
    push({ seq: 2, kind: 'RUN_PAUSED', stepId: 'b' });
    expect(live.run?.status).toBe('PAUSED');
    expect(live.pausedSteps.map((s) => s.stepId)).toEqual(['b']);
    expect(live.isTerminal).toBe(false);

    push({ seq: 3, kind: 'STEP_RESUMED', stepId: 'b', step: stepRunFactory({ ...capped, status: 'PAUSED', budgetUsd: 1, turnsReused: 1, reusedUsd: 0.0003 }) });
    push({ seq: 4, kind: 'RUN_STARTED' });
    expect(live.run?.status).toBe('RUNNING');
    expect(live.totals.reusedUsd).toBe(0.0003);
    expect(live.steps.find((s) => s.stepId === 'b')).toMatchObject({ turnsReused: 1, budgetUsd: 1 });
    stop();
  });
});

describe('RunLive in a component', () => {
  it('opens the subscription on mount and disposes it on unmount', () => {
    const { client, subscriptions, listeners } = fakeClient();
    const live = new RunLive(client, 'wf-1', 'run-1', runFactory());
    const view = render(RunLiveProbe, { live });
    expect(subscriptions).toHaveLength(1);
    subscriptions[0].push({ workflowEvents: workflowEventFactory({ seq: 1, kind: 'RUN_STARTED' }) });
    flushSync();
    expect(screen.getByText('RUNNING · live')).toBeInTheDocument();

    view.unmount();
    flushSync();
    expect(subscriptions[0].unsubscribe).toHaveBeenCalledTimes(1);
    expect(listeners.closed ?? []).toHaveLength(0);
  });
});
