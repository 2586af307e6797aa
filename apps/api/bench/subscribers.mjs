// Child process of api-bench.ts: opens N graphql-ws clients to one workflow's event stream and
// reports, for every event received, the delivery latency (receive time - event time, ms).
// Kept in its own process so that the clients' parsing does not share the server's event loop.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const QUERY = 'subscription ($id: ID!, $after: Int) { workflowEvents(workflowId: $id, afterSeq: $after) { seq at kind } }';

process.once('message', async ({ url, workflowId, afterSeq, count }) => {
  const latencies = [];
  const clients = Array.from({ length: count }, () => createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false }));
  await Promise.all(clients.map((c) => new Promise((resolve) => c.on('connected', resolve))));
  let subscribed = 0;
  const finished = clients.map(
    (client) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('subscriber timed out after 120 s')), 120_000);
        const stop = client.subscribe(
          { query: QUERY, variables: { id: workflowId, after: afterSeq } },
          {
            next: ({ data }) => {
              const event = data?.workflowEvents;
              if (!event) return;
              latencies.push(Date.now() - Date.parse(event.at));
              if (event.kind === 'RUN_COMPLETED' || event.kind === 'RUN_FAILED' || event.kind === 'RUN_CANCELLED') {
                clearTimeout(timer);
                stop();
                resolve();
              }
            },
            error: reject,
            complete: resolve,
          },
        );
        subscribed += 1;
      }),
  );
  process.send({ type: 'subscribed', count: subscribed });
  try {
    await Promise.all(finished);
    process.send({ type: 'done', latencies });
  } catch (error) {
    process.send({ type: 'error', message: String(error) });
  }
  await Promise.all(clients.map((c) => c.dispose()));
  process.exit(0);
});
