import type { WebSocketRoute } from '@playwright/test';
import { createWorkflow, gql, workflowState } from '../src/api';
import { expect, test } from '../src/fixtures';

test('the run view resumes from the last seen seq after the WebSocket drops', async ({ page }) => {
  const id = await createWorkflow({
    name: 'E2E reconnect',
    pattern: 'CHECKPOINT',
    steps: [
      { id: 'draft', name: 'Draft', prompt: 'Draft a note.' },
      { id: 'send', name: 'Send', prompt: 'Send the note.' },
    ],
    config: { checkpoints: ['send'] },
  });

  // Sit between the page and the server: record what the page subscribes with and the seqs it got.
  const sockets: WebSocketRoute[] = [];
  const subscribes: { afterSeq: number | null }[] = [];
  let maxSeq = 0;
  await page.routeWebSocket(/\/graphql$/, (ws) => {
    sockets.push(ws);
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const parsed = JSON.parse(String(message));
      if (parsed.type === 'subscribe' && parsed.payload?.query?.includes('workflowEvents'))
        subscribes.push({ afterSeq: parsed.payload.variables?.afterSeq ?? null });
      server.send(message);
    });
    server.onMessage((message) => {
      const parsed = JSON.parse(String(message));
      const seq = parsed.payload?.data?.workflowEvents?.seq;
      if (typeof seq === 'number') maxSeq = Math.max(maxSeq, seq);
      ws.send(message);
    });
  });

  await page.goto(`/workflows/${id}`);
  await page.getByRole('button', { name: 'Run workflow' }).click();
  await expect(page.getByRole('heading', { name: 'Approval needed: Send' })).toBeVisible({ timeout: 30_000 });
  expect(subscribes[0]?.afterSeq ?? 0).toBe(0);
  // Wait until the page has every stored event (the run is idle at the gate).
  const lastStoredSeq = async () =>
    (await gql<{ workflowEvents: { seq: number }[] }>('query ($id: ID!) { workflowEvents(workflowId: $id) { seq } }', { id })).workflowEvents.at(-1)?.seq ?? -1;
  await expect.poll(async () => maxSeq === (await lastStoredSeq()) && maxSeq > 0, { timeout: 30_000 }).toBe(true);
  const seenBeforeDrop = maxSeq;

  // Drop the connection (1012 "service restart": the client reconnects).
  await sockets[0].close({ code: 1012, reason: 'e2e: dropped' });
  await expect.poll(() => sockets.length, { timeout: 30_000 }).toBeGreaterThan(1);
  await expect.poll(() => subscribes.at(-1)?.afterSeq, { timeout: 30_000 }).toBe(seenBeforeDrop);

  // Events after the reconnect still reach the page.
  await page.getByRole('button', { name: 'Approve' }).click();
  await expect.poll(async () => (await workflowState(id))?.latestRun?.status, { timeout: 30_000 }).toBe('COMPLETED');
  await expect(page.getByText('2 of 2 steps completed')).toBeVisible();
  await expect(page.getByText('live', { exact: true })).toBeVisible();
});
