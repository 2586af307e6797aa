import type { Page } from '@playwright/test';
import { workflowState } from './api';
import { expect } from './fixtures';

/**
 * The debug panel's one-click fixes for a step that failed at its cap, as a person uses them:
 * Raise budget (then waits until the step's stored cap is above `capUsd`), then Retry step.
 */
export async function raiseBudgetAndRetry(page: Page, workflowId: string, stepId: string, capUsd: number): Promise<void> {
  await page
    .getByRole('button', { name: /^Raise budget/ })
    .first()
    .click();
  await expect.poll(async () => (await workflowState(workflowId))?.steps.find((s) => s.id === stepId)?.budgetUsd ?? 0).toBeGreaterThan(capUsd);
  await page
    .getByRole('button', { name: /^Retry step/ })
    .first()
    .click();
}
