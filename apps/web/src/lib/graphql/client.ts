import { Client, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';

/** The dashboard's GraphQL endpoint: always same-origin; the server proxies it to the API. */
export const GRAPHQL_PATH = '/graphql';

export interface StagentClient {
  urql: Client;
  ws: WsClient;
}

/**
 * Creates the urql client (HTTP for queries and mutations, graphql-ws for subscriptions). The
 * root layout calls this once and shares it with `setContextClient`. No cache exchange: the
 * dashboard shows live server state, so every query goes to the network.
 */
export function createStagentClient(origin = location.origin): StagentClient {
  const wsUrl = new URL(GRAPHQL_PATH, origin.replace(/^http/, 'ws')).toString();
  const ws = createWsClient({
    url: wsUrl,
    lazy: true,
    // Retry forever with the library's randomized backoff: the run view resumes from its last
    // seen `seq` after every reconnect, so nothing is lost while the socket is down.
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
  });
  const urql = new Client({
    url: new URL(GRAPHQL_PATH, origin).toString(),
    requestPolicy: 'network-only',
    preferGetMethod: false,
    exchanges: [
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  return { urql, ws };
}
