import { ensureDocument, workflowByName } from '../src/api';
import { expect, test } from '../src/fixtures';
import type { Page } from '@playwright/test';

async function fillDefinition(page: Page, name: string) {
  await page.goto('/workflows/new');
  await page.getByLabel('Name', { exact: true }).fill(name);
  const global = page.getByRole('group', { name: 'Global documents (every step)' });
  await global.getByLabel('opt-revenue.md').check();
  await global.getByLabel('opt-pricing.md').check();
  await page.getByLabel('Step 1 name').fill('Revenue');
  await page.getByLabel('Step 1 prompt').fill('Summarize quarterly revenue growth from subscription renewals');
  await page.getByRole('button', { name: 'Add step' }).click();
  await page.getByLabel('Step 2 name').fill('Pricing');
  await page.getByLabel('Step 2 prompt').fill('Explain the enterprise plan pricing per seat and annual discounts');
}

test.describe('optimizer panel', () => {
  test.beforeAll(async () => {
    await ensureDocument('opt-revenue.md', 'text/markdown', '# Revenue\n\nQuarterly revenue grew 12 percent on subscription renewals in Europe.');
    await ensureDocument('opt-pricing.md', 'text/markdown', '# Pricing\n\nEnterprise plan costs 40 dollars per seat. Discounts for annual billing.');
  });

  test('suggests per-step documents as the user edits; Apply changes the form', async ({ page }) => {
    await fillDefinition(page, 'E2E optimizer apply');
    const optimizer = page.getByRole('region', { name: 'Optimizer' });
    const suggestion = optimizer.getByRole('listitem').filter({ hasText: 'Bind documents per step' });
    await expect(suggestion).toBeVisible();
    await suggestion.getByRole('button', { name: /^Apply/ }).click();

    await expect(page.getByRole('group', { name: 'Step 1 documents' }).getByLabel('opt-revenue.md')).toBeChecked();
    await expect(page.getByRole('group', { name: 'Step 2 documents' }).getByLabel('opt-pricing.md')).toBeChecked();
    await expect(page.getByRole('group', { name: 'Global documents (every step)' }).getByLabel('opt-revenue.md')).not.toBeChecked();

    await page.getByRole('button', { name: 'Create workflow' }).click();
    await expect
      .poll(async () => {
        const wf = await workflowByName('E2E optimizer apply');
        return wf && { global: wf.documents.filter((d) => d.stepId === null).length, perStep: wf.steps.map((s) => s.documentIds.length) };
      })
      .toEqual({ global: 0, perStep: [1, 1] });
  });

  test('Dismiss hides a suggestion and is remembered', async ({ page }) => {
    await fillDefinition(page, 'E2E optimizer dismiss');
    const optimizer = page.getByRole('region', { name: 'Optimizer' });
    const suggestion = optimizer.getByRole('listitem').filter({ hasText: 'Bind documents per step' });
    await expect(suggestion).toBeVisible();
    await suggestion.getByRole('button', { name: /^Dismiss/ }).click();
    await expect(suggestion).toHaveCount(0);

    // Same definition after a reload: same suggestion id, still dismissed (localStorage).
    await fillDefinition(page, 'E2E optimizer dismiss');
    await expect(optimizer).toHaveAttribute('aria-busy', 'false');
    await expect(optimizer.getByText('No suggestions for this definition.')).toBeVisible();
    await expect(suggestion).toHaveCount(0);
  });
});
