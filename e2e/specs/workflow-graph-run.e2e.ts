import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorkflow, gql, withFailAtCap, workflowState, type SeedStep } from '../src/api';
import { artifactsDir } from '../src/database';
import { expect, test } from '../src/fixtures';
import { createFilesystemServer, deleteMcpServerNamed } from '../src/mcp';
import { raiseBudgetAndRetry } from '../src/debug-actions';

// The run view draws the same graph, its nodes following the run's step runs live (#22).

const step = (id: string, name: string, budgetUsd?: number): SeedStep => ({
  id,
  name,
  prompt: `Do the ${name.toLowerCase()} part.`,
  ...(budgetUsd === undefined ? {} : { budgetUsd }),
});
// Below what one simulated call costs: with onCapReached = fail the step fails BUDGET_EXCEEDED.
const TOO_LOW = 0.0001;

interface RunCase {
  pattern: string;
  steps: SeedStep[];
  config?: Record<string, unknown>;
  /** The step that fails at its cap, then is retried from its node. */
  failing: string;
  /** A checkpoint gate approved from its node once the failing step is retried. */
  gate?: string;
}

const RUN_CASES: RunCase[] = [
  { pattern: 'SEQUENCE', steps: [step('gather', 'Gather'), step('draft', 'Draft', TOO_LOW), step('polish', 'Polish')], failing: 'draft' },
  { pattern: 'PARALLEL', steps: [step('market', 'Market'), step('pricing', 'Pricing', TOO_LOW), step('synthesis', 'Synthesis')], failing: 'pricing' },
  {
    pattern: 'CHECKPOINT',
    steps: [step('draft', 'Draft'), step('check', 'Check', TOO_LOW), step('publish', 'Publish')],
    config: { checkpoints: ['publish'] },
    failing: 'check',
    gate: 'publish',
  },
  { pattern: 'LOOP', steps: [step('refine', 'Refine', TOO_LOW)], config: { maxIterations: 2 }, failing: 'refine' },
  { pattern: 'SWARM', steps: [step('plan', 'Plan'), step('w1', 'Worker A', TOO_LOW), step('w2', 'Worker B'), step('merge', 'Merge')], failing: 'w1' },
  { pattern: 'PLANNER_EXECUTOR', steps: [step('plan', 'Plan'), step('build', 'Build', TOO_LOW), step('test', 'Test')], failing: 'build' },
];

for (const c of RUN_CASES) {
  test(`${c.pattern}: the run's graph follows the run live; the failed node's Retry completes it and the run`, async ({ page }) => {
    await withFailAtCap(async () => {
      const name = `E2E graph live ${c.pattern.toLowerCase()}`;
      const id = await createWorkflow({ name, pattern: c.pattern, steps: c.steps, ...(c.config ? { config: c.config } : {}) });
      await page.goto(`/workflows/${id}`);
      await page.getByRole('button', { name: 'Run workflow' }).click();
      await expect(page).toHaveURL(new RegExp(`/workflows/${id}/runs/[^/]+$`));
      const graph = page.getByRole('figure', { name: `Graph of ${name}` });
      await expect(graph.locator('[data-step-id]')).toHaveCount(c.steps.length);
      const statusOf = (stepId: string) => graph.locator(`[data-step-id="${stepId}"] [data-status]`);

      // Over the subscription (the page is never reloaded): the failing node fails, and says where to act.
      const failed = graph.locator(`[data-step-id="${c.failing}"]`);
      await expect(statusOf(c.failing)).toHaveAttribute('data-status', 'FAILED', { timeout: 30_000 });
      if (c.steps[0]!.id !== c.failing) await expect(statusOf(c.steps[0]!.id!)).toHaveAttribute('data-status', 'COMPLETED');
      await failed.getByRole('link', { name: 'Debug, retry' }).click();
      await expect(page.getByRole('heading', { name: /Root cause: BUDGET_EXCEEDED/ })).toBeVisible();
      await raiseBudgetAndRetry(page, id, c.failing, TOO_LOW);

      if (c.gate) {
        const gate = graph.locator(`[data-step-id="${c.gate}"]`).getByRole('link', { name: 'Awaits approval to run' });
        await expect(gate).toBeVisible({ timeout: 30_000 });
        await gate.click();
        await page.getByRole('button', { name: 'Approve', exact: true }).click();
      }
      for (const s of c.steps) await expect(statusOf(s.id!)).toHaveAttribute('data-status', 'COMPLETED', { timeout: 30_000 });
      await expect.poll(async () => (await workflowState(id))?.latestRun?.status, { timeout: 30_000 }).toBe('COMPLETED');
      const attempts = (await workflowState(id))?.latestRun?.steps.filter((s) => s.stepId === c.failing).map((s) => s.attempt) ?? [];
      expect(Math.max(...attempts)).toBe(2);
      await graph.screenshot({ path: join(artifactsDir(), `workflow-graph-run-${c.pattern.toLowerCase().replaceAll('_', '-')}.png`) });
    });
  });
}

test('the run view graph follows the run: completed branches, a branch paused at its cap, a synthesis not reached', async ({ page }) => {
  const name = 'E2E graph run';
  const id = await createWorkflow({
    name,
    pattern: 'PARALLEL',
    steps: [
      { id: 'market', name: 'Market', prompt: 'Size the market.' },
      // $0.0001 is below what one simulated call costs: the branch pauses at its cap (the default).
      { id: 'pricing', name: 'Pricing', prompt: 'Compare prices.', budgetUsd: 0.0001 },
      { id: 'synthesis', name: 'Synthesis', prompt: 'Merge the findings.' },
    ],
  });
  await page.goto(`/workflows/${id}`);
  await page.getByRole('button', { name: 'Run workflow' }).click();
  await expect(page).toHaveURL(new RegExp(`/workflows/${id}/runs/[^/]+$`));

  const graph = page.getByRole('figure', { name: `Graph of ${name}` });
  await expect(graph.locator('[data-step-id]')).toHaveCount(3);
  await expect(graph.locator('.svelte-flow__edge')).toHaveCount(2);

  // Statuses arrive over the subscription: the page is never reloaded.
  await expect(graph.locator('[data-step-id="market"] [data-status]')).toHaveAttribute('data-status', 'COMPLETED', { timeout: 30_000 });
  await expect(graph.locator('[data-step-id="pricing"] [data-status]')).toHaveAttribute('data-status', 'PAUSED', { timeout: 30_000 });
  await expect(graph.locator('[data-step-id="pricing"]')).toContainText('paused');
  await expect(graph.locator('[data-step-id="pricing"]')).toContainText(/spent of \$0\.0001/);
  // The paused node leads to its Resume control in the debug panel.
  const resume = graph.locator('[data-step-id="pricing"]').getByRole('link', { name: 'Resume' });
  await expect(resume).toHaveAttribute('href', '#resume-pricing');
  await resume.click();
  await expect(page.locator('#resume-pricing')).toBeInViewport();
  // The synthesis waits for every branch: it is never started.
  await expect(graph.locator('[data-step-id="synthesis"] [data-status]')).toHaveAttribute('data-status', 'PENDING');
  expect((await workflowState(id))?.latestRun?.status).toBe('PAUSED');

  await graph.screenshot({ path: join(artifactsDir(), 'workflow-graph-run-paused.png') });
});

test('a failed node leads to the debug analysis; its Retry completes the step and the node follows', async ({ page }) => {
  await withFailAtCap(async () => {
    const name = 'E2E graph failed run';
    const id = await createWorkflow({
      name,
      steps: [
        { id: 'gather', name: 'Gather', prompt: 'List the facts.' },
        // Below what one simulated call costs: with onCapReached = fail the step fails BUDGET_EXCEEDED.
        { id: 'publish', name: 'Publish', prompt: 'Write the update.', budgetUsd: 0.0001 },
      ],
    });
    await page.goto(`/workflows/${id}`);
    await page.getByRole('button', { name: 'Run workflow' }).click();
    await expect(page).toHaveURL(new RegExp(`/workflows/${id}/runs/[^/]+$`));

    const graph = page.getByRole('figure', { name: `Graph of ${name}` });
    const failed = graph.locator('[data-step-id="publish"]');
    await expect(failed.locator('[data-status]')).toHaveAttribute('data-status', 'FAILED', { timeout: 30_000 });
    await failed.getByRole('link', { name: 'Debug, retry' }).click();
    await expect(page.getByRole('heading', { name: /Root cause: BUDGET_EXCEEDED/ })).toBeVisible();
    await graph.screenshot({ path: join(artifactsDir(), 'workflow-graph-run-failed.png') });

    await raiseBudgetAndRetry(page, id, 'publish', 0.0001);
    await expect(failed.locator('[data-status]')).toHaveAttribute('data-status', 'COMPLETED', { timeout: 30_000 });
    await expect(failed).toContainText('attempt 2');
    expect((await workflowState(id))?.latestRun?.steps.map((s) => s.attempt)).toEqual([1, 2]);
  });
});

test('waiting approvals show on their node: a tool call that asks, then a checkpoint gate; each node shows its tokens and time', async ({ page }) => {
  // A filesystem MCP server of this test's own (the name keeps it apart from the tool-approval spec's).
  const root = mkdtempSync(join(tmpdir(), 'stagent-e2e-graph-tools-'));
  const file = join(root, 'facts.txt');
  writeFileSync(file, 'Three facts.\n');
  await deleteMcpServerNamed('graphfiles');
  await createFilesystemServer('graphfiles', root);
  try {
    const tool = 'mcp__graphfiles__read_text_file';
    const name = 'E2E graph approvals';
    const id = await createWorkflow({
      name,
      pattern: 'CHECKPOINT',
      config: { checkpoints: ['publish'] },
      steps: [
        { id: 'read', name: 'Read', prompt: `Read the facts.\n/tool ${tool} {"path": ${JSON.stringify(file)}}`, tools: [{ tool, approval: 'ASK' }] },
        { id: 'publish', name: 'Publish', prompt: 'Publish the facts.' },
      ],
    });
    await page.goto(`/workflows/${id}`);
    await page.getByRole('button', { name: 'Run workflow' }).click();
    await expect(page).toHaveURL(new RegExp(`/workflows/${id}/runs/[^/]+$`));
    const graph = page.getByRole('figure', { name: `Graph of ${name}` });
    const read = graph.locator('[data-step-id="read"]');
    const publish = graph.locator('[data-step-id="publish"]');

    // The tool call waits: its node says so and leads to the call's Approve control.
    const waiting = read.getByRole('link', { name: '1 tool call awaits approval' });
    await expect(waiting).toBeVisible({ timeout: 30_000 });
    await expect(read.locator('[data-status]')).toHaveAttribute('data-status', 'WAITING_APPROVAL');
    // A screen reader hears the same on the node.
    await expect(read).toHaveAccessibleName('Step 1: Read, waiting approval, 1 tool call awaits approval');
    await graph.screenshot({ path: join(artifactsDir(), 'workflow-graph-run-tool-waiting.png') });
    await waiting.click();
    await expect(page.getByRole('button', { name: `Approve the call to ${tool}` })).toBeInViewport();
    const [call] = (await gql<{ toolCalls: { id: string }[] }>('query ($s: ToolCallStatus) { toolCalls(status: $s) { id } }', { s: 'WAITING_APPROVAL' }))
      .toolCalls;
    expect(await waiting.getAttribute('href')).toBe(`#toolcall-${call!.id}`);
    await page.getByRole('button', { name: `Approve the call to ${tool}` }).click();

    // The step completes with its tokens and time; the gate then waits on the next node.
    await expect(read.locator('[data-status]')).toHaveAttribute('data-status', 'COMPLETED', { timeout: 30_000 });
    await expect(read.getByRole('link', { name: /awaits approval/ })).toHaveCount(0);
    await expect(read).toContainText(/[\d,]+ tokens · [\d.]+ (ms|s)/);
    const gate = publish.getByRole('link', { name: 'Awaits approval to run' });
    await expect(gate).toBeVisible({ timeout: 30_000 });
    await gate.click();
    await expect(page.getByRole('heading', { name: 'Approval needed: Publish' })).toBeInViewport();
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    await expect(publish.locator('[data-status]')).toHaveAttribute('data-status', 'COMPLETED', { timeout: 30_000 });
    await expect(publish).toContainText(/[\d,]+ tokens · [\d.]+ (ms|s)/);
    expect((await workflowState(id))?.latestRun?.status).toBe('COMPLETED');
  } finally {
    await deleteMcpServerNamed('graphfiles');
    rmSync(root, { recursive: true, force: true });
  }
});
