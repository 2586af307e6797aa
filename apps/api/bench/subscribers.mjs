// Child process of api-bench.ts: opens N graphql-ws clients to one workflow's event stream and
// reports, for every live event received, the delivery latency (receive time - event time, ms).
// Kept in its own process so that the clients' parsing does not share the server's event loop.
//
// Each client subscribes from just before the workflow's last stored event, so the server's
// replay of that event proves the subscription is registered: the parent starts the measured run
// only once every client has its replay, and replayed events are not measured.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const QUERY = 'subscription ($id: ID!, $after: Int) { workflowEvents(workflowId: $id, afterSeq: $after) { seq at kind } }';

process.once('message', async ({ url, workflowId, lastStoredSeq, count }) => {
  const latencies = [];
  const clients = Array.from({ length: count }, () => createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false }));
  await Promise.all(clients.map((c) => new Promise((resolve) => c.on('connected', resolve))));
  const registered = [];
  const finished = clients.map(
    (client) =>
      new Promise((resolve, reject) => {
        let onReplay;
        registered.push(new Promise((ready) => (onReplay = ready)));
        const timer = setTimeout(() => reject(new Error('subscriber timed out after 120 s')), 120_000);
        client.subscribe(
          { query: QUERY, variables: { id: workflowId, after: lastStoredSeq - 1 } },
          {
            next: ({ data }) => {
              const event = data?.workflowEvents;
              if (!event) return;
              if (event.seq <= lastStoredSeq) return onReplay();
              latencies.push(Date.now() - Date.parse(event.at));
              // Unsubscribing here would make this process send 500 'complete' messages while later
              // subscribers' copies of the same event still wait to be read, and count that work
              // in their latency: the clients are disposed once all of them have the last event.
              if (event.kind === 'RUN_COMPLETED' || event.kind === 'RUN_FAILED' || event.kind === 'RUN_CANCELLED') {
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
    process.send({ type: 'done', latencies });
  } catch (error) {
    process.send({ type: 'error', message: String(error) });
  }
  await Promise.all(clients.map((c) => c.dispose()));
  process.exit(0);
});
