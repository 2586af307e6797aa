import { settingValue } from '../src/api';
import { expect, snapshot, test } from '../src/fixtures';

test('settings reject a budget of 500 with a message and save 10', async ({ page }) => {
  await page.goto('/settings');
  const field = page.getByLabel('budget.maxCostPerTaskUsd');
  await expect(field).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Read-only' })).toBeVisible();

  await field.fill('500');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('alert').filter({ hasText: /./ }).first()).toBeVisible();
  await expect.poll(() => settingValue('budget.maxCostPerTaskUsd')).not.toBe(500);
  await snapshot(page, 'settings-invalid');

  await field.fill('10');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect.poll(() => settingValue('budget.maxCostPerTaskUsd')).toBe(10);
  await expect(field).not.toHaveAttribute('aria-invalid', 'true');
  await expect(field).toHaveValue('10');
  await snapshot(page, 'settings');
});

test('secrets show only whether they are set', async ({ page }) => {
  await page.goto('/settings');
  const secret = page.getByLabel('anthropic.apiKey');
  await expect(secret).toHaveAttribute('type', 'password');
  await expect(secret).toHaveValue('');
  await expect(secret).toHaveAttribute('placeholder', /not set|set/);
});
