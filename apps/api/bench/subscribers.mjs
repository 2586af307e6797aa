// Child process of api-bench.ts: opens N graphql-ws clients to one workflow's event stream and
// reports, for every live event received, the delivery latency (receive time - event time, ms),
// per run: the clients stay subscribed while the parent runs the workflow `runs` times.
// Kept in its own process so that the clients' parsing does not share the server's event loop.
//
// Each client subscribes from just before the workflow's last stored event, so the server's
// replay of that event proves the subscription is registered: the parent starts the measured runs
// only once every client has its replay, and replayed events are not measured.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const QUERY = 'subscription ($id: ID!, $after: Int) { workflowEvents(workflowId: $id, afterSeq: $after) { seq at kind } }';
const TERMINAL = new Set(['RUN_COMPLETED', 'RUN_FAILED', 'RUN_CANCELLED']);

process.once('message', async ({ url, workflowId, lastStoredSeq, count, runs }) => {
  /** latencies[run][i]: every delivery of that run, in arrival order. */
  const latencies = Array.from({ length: runs }, () => []);
  const clients = Array.from({ length: count }, () => createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false }));
  await Promise.all(clients.map((c) => new Promise((resolve) => c.on('connected', resolve))));
  const registered = [];
  const finished = clients.map(
    (client) =>
      new Promise((resolve, reject) => {
        let onReplay;
        let run = 0;
        registered.push(new Promise((ready) => (onReplay = ready)));
        const timer = setTimeout(() => reject(new Error('subscriber timed out after 120 s')), 120_000);
        client.subscribe(
          { query: QUERY, variables: { id: workflowId, after: lastStoredSeq - 1 } },
          {
            next: ({ data }) => {
              const event = data?.workflowEvents;
              if (!event) return;
              if (event.seq <= lastStoredSeq) return onReplay();
              latencies[run].push(Date.now() - Date.parse(event.at));
              if (!TERMINAL.has(event.kind)) return;
              run += 1;
              // Unsubscribing here would make this process send 500 'complete' messages while later
              // subscribers' copies of the same event still wait to be read, and count that work
              // in their latency: the clients are disposed once all of them have the last event.
              if (run === runs) {
                clearTimeout(timer);
                resolve();
              }
            },
            error: reject,
            complete: resolve,
          },
        );
      }),
  );
  try {
    await Promise.race([Promise.all(registered), Promise.all(finished)]);
    process.send({ type: 'subscribed', count: registered.length });
    await Promise.all(finished);
    // Waits for the message to be sent: exiting first could cut a large one short.
    await new Promise((resolve) => process.send({ type: 'done', latencies }, resolve));
  } catch (error) {
    process.send({ type: 'error', message: String(error) });
  }
  await Promise.all(clients.map((c) => c.dispose()));
  process.exit(0);
});
