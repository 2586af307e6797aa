import { render, screen, within } from '@testing-library/svelte';
import type { Client } from '@urql/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Instance } from '$lib/graphql/instances';
import WithUrqlClient from '$test/WithUrqlClient.svelte';
import InstanceList from './InstanceList.svelte';

const NOW = Date.parse('2026-12-07T03:00:00.000Z');

function instance(overrides: Partial<Instance> = {}): Instance {
  return {
    id: 'box-1:4242:k3j9x0',
    host: 'box-1',
    pid: 4242,
    role: 'worker',
    version: '0.1.0',
    startedAt: new Date(NOW - 3_600_000).toISOString(),
    heartbeatAt: new Date(NOW - 3_000).toISOString(),
    runningSteps: 2,
    ...overrides,
  };
}

/** A client whose instances query answers what `answer` returns now; counts the asks. */
function clientAnswering(answer: () => Instance[]) {
  let asks = 0;
  const client = {
    query: () => ({
      toPromise: async () => {
        asks++;
        return { data: { instances: answer() } };
      },
    }),
  } as unknown as Client;
  return { client, asks: () => asks };
}

describe('InstanceList', () => {
  afterEach(() => vi.useRealTimers());

  it('lists role, host, pid, version, heartbeat and running steps, and asks again every 5 s', async () => {
    vi.useFakeTimers({ now: NOW, toFake: ['setInterval', 'clearInterval', 'Date'] });
    let list = [instance(), instance({ id: 'box-2:77:aa', host: 'box-2', pid: 77, role: 'api', runningSteps: 0, heartbeatAt: new Date(NOW).toISOString() })];
    const { client, asks } = clientAnswering(() => list);
    render(WithUrqlClient, { props: { client, component: InstanceList, props: {} } });

    const rows = await screen.findAllByRole('row');
    expect(rows).toHaveLength(3);
    const worker = within(rows[1]!);
    expect(worker.getByText('worker')).toHaveAttribute('title', 'worker: drives runs and fires schedules');
    expect(worker.getByText('box-1')).toBeInTheDocument();
    expect(worker.getByText('4242')).toBeInTheDocument();
    expect(worker.getByText('0.1.0')).toBeInTheDocument();
    expect(worker.getByText('3 s ago')).toBeInTheDocument();
    expect(worker.getByText('2')).toBeInTheDocument();
    expect(within(rows[2]!).getByText('0 s ago')).toBeInTheDocument();
    expect(asks()).toBe(1);

    // The heartbeat's age moves on every second; the list is asked for again after 5 s.
    await vi.advanceTimersByTimeAsync(2_000);
    expect(worker.getByText('5 s ago')).toBeInTheDocument();
    list = [instance({ heartbeatAt: new Date(NOW + 5_000).toISOString(), runningSteps: 4 })];
    await vi.advanceTimersByTimeAsync(3_000);
    expect(asks()).toBe(2);
    await vi.waitFor(() => expect(screen.getAllByRole('row')).toHaveLength(2));
    expect(within(screen.getAllByRole('row')[1]!).getByText('4')).toBeInTheDocument();
  });

  it('says so when no instance is registered', async () => {
    const { client } = clientAnswering(() => []);
    render(WithUrqlClient, { props: { client, component: InstanceList, props: {} } });
    expect(await screen.findByText(/No instance is registered/)).toBeInTheDocument();
  });
});
