import { createWorkflow, gql, withFailAtCap } from '../src/api';
import { expect, snapshot, test } from '../src/fixtures';

interface StepState {
  stepId: string;
  status: string;
  turns: number;
  turnsReused: number;
  reusedUsd: number;
  costUsd: number;
  budgetUsd: number;
  failureCategory: string | null;
  error: string | null;
}
interface RunState {
  id: string;
  status: string;
  resumeAt: string | null;
  reusedUsd: number;
  steps: StepState[];
}

async function latestRun(workflowId: string): Promise<RunState | null> {
  const data = await gql<{ workflow: { latestRun: RunState | null } }>(
    /* GraphQL */ `
      query ($id: ID!) {
        workflow(id: $id) {
          latestRun {
            id
            status
            resumeAt
            reusedUsd
            steps {
              stepId
              status
              turns
              turnsReused
              reusedUsd
              costUsd
              budgetUsd
              failureCategory
              error
            }
          }
        }
      }
    `,
    { id: workflowId },
  );
  return data.workflow.latestRun;
}

test('a step paused at its cap resumes with a higher cap from the dashboard, and the run completes reusing the paid turn', async ({ page }) => {
  // The default, budget.onCapReached = pause.
  const id = await createWorkflow({
    name: 'E2E resume at cap',
    steps: [
      { id: 'gather', name: 'Collect', prompt: 'List the facts: the launch moved to May, the budget is tight.' },
      // $0.0001 is below what one simulated call costs: the step reaches its cap after its first turn.
      { id: 'publish', name: 'Announce', prompt: 'Write the final status update.', budgetUsd: 0.0001 },
    ],
  });
  await page.goto(`/workflows/${id}`);
  await page.getByRole('button', { name: 'Run workflow' }).click();
  await expect(page).toHaveURL(new RegExp(`/workflows/${id}/runs/[^/]+$`));

  // The step stops PAUSED where it stands (no timer: resumeAt is null), with its spend and cap.
  await expect.poll(async () => (await latestRun(id))?.status, { timeout: 30_000 }).toBe('PAUSED');
  const pausedRun = (await latestRun(id))!;
  expect(pausedRun.resumeAt).toBeNull();
  const publish = pausedRun.steps.find((s) => s.stepId === 'publish')!;
  expect(publish).toMatchObject({ status: 'PAUSED', failureCategory: 'BUDGET_EXCEEDED', turns: 1, budgetUsd: 0.0001 });
  expect(publish.error).toMatch(/^Paused:/);

  await expect(page.getByRole('heading', { name: /Run #1/ })).toContainText('paused');
  await expect(page.getByRole('list', { name: 'Step progress' }).getByRole('listitem').nth(1)).toContainText('Step 2: paused');
  const banner = page.getByRole('region', { name: 'Paused at a cap' });
  await expect(banner).toContainText('Step “Announce” stopped after turn 1');
  await expect(banner).toContainText('of its $0.0001 cap');

  // The Resume control, in the debug panel: spent against the cap, a new cap prefilled with double the cap
  // (or double the spend, when the paused turn already spent past that).
  const debug = page.getByRole('region', { name: 'Debug' });
  const control = debug.getByRole('form', { name: /^Announce stopped after turn 1: spent \$[\d.]+ of its \$0\.0001 cap\.$/ });
  const cap = control.getByLabel('New cap for Announce (USD)');
  const doubled = publish.costUsd >= 0.0002 ? publish.costUsd * 2 : 0.0002;
  await expect(cap).toHaveValue(String(Number(doubled.toFixed(6))));
  await banner.getByRole('link', { name: 'resume it with a higher cap' }).click();
  await snapshot(page, 'run-paused-at-cap');

  // A cap at or below what it spent is refused on the field; the step stays paused.
  await cap.fill(String(publish.costUsd));
  await control.getByRole('button', { name: 'Resume (Announce)' }).click();
  await expect(cap).toHaveAttribute('aria-invalid', 'true');
  await expect(cap).toHaveAccessibleDescription(/spent/);
  expect((await latestRun(id))?.status).toBe('PAUSED');

  // Resume with a cap of 1: the run goes on from turn 2 and completes.
  await cap.fill('1');
  await control.getByRole('button', { name: 'Resume (Announce)' }).click();
  await expect.poll(async () => (await latestRun(id))?.status, { timeout: 30_000 }).toBe('COMPLETED');
  const done = (await latestRun(id))!;
  const resumed = done.steps.find((s) => s.stepId === 'publish')!;
  expect(resumed).toMatchObject({ status: 'COMPLETED', turnsReused: 1, budgetUsd: 1 });
  expect(resumed.reusedUsd).toBeGreaterThan(0);
  expect(done.reusedUsd).toBeGreaterThanOrEqual(resumed.reusedUsd);

  await expect(page.getByText('2 of 2 steps completed')).toBeVisible();
  await expect(page.getByRole('heading', { name: /Run #1/ })).toContainText('completed');
  await expect(page.getByText(/^Resumed at turn 2: \$[\d.]+ of earlier work reused$/)).toBeVisible();
  await expect(page.getByText(/^\$[\d.]+ of earlier work reused$/)).toBeVisible(); // the run header
  await expect(page.getByRole('region', { name: 'Paused at a cap' })).toHaveCount(0);
  await snapshot(page, 'run-resumed');
});

test('a step that failed at its cap resumes from its next turn in the debug panel, next to Retry', async ({ page }) => {
  // With budget.onCapReached = fail the step ends FAILED with BUDGET_EXCEEDED, its first turn journaled.
  await withFailAtCap(async () => {
    const id = await createWorkflow({
      name: 'E2E resume a failed step',
      steps: [{ id: 'publish', name: 'Report', prompt: 'Write the final status update.', budgetUsd: 0.0001 }],
    });
    await page.goto(`/workflows/${id}`);
    await page.getByRole('button', { name: 'Run workflow' }).click();
    await expect.poll(async () => (await latestRun(id))?.status, { timeout: 30_000 }).toBe('FAILED');
    const failed = (await latestRun(id))!.steps[0];
    expect(failed).toMatchObject({ status: 'FAILED', failureCategory: 'BUDGET_EXCEEDED', turns: 1 });

    const debug = page.getByRole('region', { name: 'Debug' });
    await expect(debug.getByRole('button', { name: 'Retry step Report' })).toBeVisible();
    const control = debug.getByRole('form', { name: /^Report failed after turn 1: spent \$[\d.]+ of its \$0\.0001 cap\./ });
    const cap = control.getByLabel('New cap for Report (USD)');
    await expect(cap).toHaveValue('0.0002');
    await cap.fill('1');
    await control.getByRole('button', { name: 'Resume from turn 2 (Report)' }).click();

    await expect.poll(async () => (await latestRun(id))?.status, { timeout: 30_000 }).toBe('COMPLETED');
    const resumed = (await latestRun(id))!.steps[0];
    expect(resumed).toMatchObject({ status: 'COMPLETED', turnsReused: 1, budgetUsd: 1 });
    await expect(page.getByText(/^Resumed at turn 2: \$[\d.]+ of earlier work reused$/)).toBeVisible();
  });
});
