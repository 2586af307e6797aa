import { createClient } from 'graphql-ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestApp, definitionInput, type TestApp } from './harness.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.dispose());

const FOLLOW = /* GraphQL */ `
  subscription ($id: ID!) {
    workflowEvents(workflowId: $id) {
      seq
      kind
    }
  }
`;
const UNKNOWN_ID = '0190c1d2-0000-7000-8000-000000000000';

/** The error every transport ends the subscription with. */
const NOT_FOUND_ERROR = {
  message: `Workflow "${UNKNOWN_ID}" does not exist.`,
  path: ['workflowEvents'],
  extensions: { code: 'BAD_USER_INPUT', issues: [{ field: ['workflowId'], code: 'NOT_FOUND', message: `Workflow "${UNKNOWN_ID}" does not exist.` }] },
};

describe('workflowEvents of a workflow that does not exist', () => {
  it('as a query is the same NOT_FOUND error, not an empty list', async () => {
    const result = await t.gql(`query ($id: ID!) { workflowEvents(workflowId: $id) { seq } }`, { id: UNKNOWN_ID });
    expect(result.data).toBeNull();
    expect(result.errors).toMatchObject([NOT_FOUND_ERROR]);
  });

  it('ends at once over WebSocket with NOT_FOUND, and the connection keeps serving', async () => {
    const port = await t.app.start(0, '127.0.0.1');
    const client = createClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      // Everything the server sends for this subscription, up to its end (complete or error).
      const received = await new Promise<unknown[]>((resolve) => {
        const messages: unknown[] = [];
        client.subscribe(
          { query: FOLLOW, variables: { id: UNKNOWN_ID } },
          {
            next: (value) => messages.push({ next: value }),
            error: (error) => resolve([...messages, { error }]),
            complete: () => resolve([...messages, 'complete']),
          },
        );
      });
      expect(received).toMatchObject([{ next: { errors: [NOT_FOUND_ERROR] } }, 'complete']);
      expect((received[0] as { next: { data?: unknown } }).next.data ?? null).toBeNull();
      // A known workflow on the same connection is followed as before.
      const created = await t.gql(`mutation ($input: WorkflowDefinitionInput!) { createWorkflow(input: $input) { workflow { id } } }`, {
        input: definitionInput(),
      });
      const id = created.data.createWorkflow.workflow.id as string;
      const first = await new Promise<unknown>((resolve, reject) => {
        const stop = client.subscribe<{ workflowEvents: { kind: string } }>(
          { query: FOLLOW, variables: { id } },
          {
            next: (value) => {
              stop();
              resolve(value.data?.workflowEvents.kind ?? value.errors);
            },
            error: reject,
            complete: () => {},
          },
        );
        void t.gql(`mutation ($id: ID!) { executeWorkflow(id: $id) { run { id } } }`, { id });
      });
      expect(first).toBe('RUN_STARTED');
    } finally {
      await client.dispose();
    }
  });

  it('ends at once over server-sent events with the same error', async () => {
    const response = await t.app.yoga.fetch('http://stagent/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: FOLLOW, variables: { id: UNKNOWN_ID } }),
    });
    // The body ends: the whole stream is one `next` event with the error, then `complete`.
    const text = await response.text();
    const events = [...text.matchAll(/^event: (\w+)\ndata:(.*)$/gm)].map(([, event, data]) => ({ event, data: data!.trim() ? JSON.parse(data!) : null }));
    expect(events).toMatchObject([{ event: 'next', data: { errors: [NOT_FOUND_ERROR] } }, { event: 'complete' }]);
  });
});
