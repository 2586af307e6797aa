import { expect, snapshot, test } from '../src/fixtures';

const PAGES = [
  { path: '/workflows', heading: 'Workflows', name: 'workflows' },
  { path: '/runtimes', heading: 'Runtimes', name: 'runtimes' },
  { path: '/settings', heading: 'Settings', name: 'settings-page' },
  { path: '/schedules', heading: 'Schedules', name: 'schedules-page' },
  { path: '/documents', heading: 'Documents', name: 'documents-page' },
  { path: '/workflows/new', heading: 'New workflow', name: 'workflow-new-page' },
  { path: '/approvals', heading: 'Approvals', name: 'approvals-page' },
  { path: '/profiles', heading: 'Profiles', name: 'profiles-page' },
];

for (const { path, heading, name } of PAGES) {
  test(`${path}: renders, every form control has a label`, async ({ page }) => {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    await page.waitForLoadState('networkidle');
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea')]
        .filter((el) => (el as HTMLInputElement).type !== 'hidden')
        .filter((el) => !((el as HTMLInputElement).labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')))
        .map((el) => el.outerHTML.slice(0, 120)),
    );
    expect(unlabelled).toEqual([]);
    await snapshot(page, name);
  });
}

test('only the simulator is available: the banner says so and the runtime is labelled a simulator', async ({ page }) => {
  await page.goto('/runtimes');
  await expect(page.getByRole('status').filter({ hasText: 'No API keys: running on the simulator' })).toBeVisible();
  await expect(page.getByText('Simulator: no model is called')).toBeVisible();
  await expect(page.getByText(/Why unavailable/).first()).toBeVisible();
});

test('the theme follows the system setting from the first paint', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto('/workflows');
  expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe('rgb(17, 19, 24)');
  await snapshot(page, 'workflows-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe('rgb(247, 247, 248)');
});

test('the workflows list filters by status', async ({ page }) => {
  await page.goto('/workflows');
  await page.getByLabel('Status').selectOption('FAILED');
  await expect(page).toHaveURL(/status=FAILED/);
  await page.getByLabel('Status').selectOption('');
  await expect(page).toHaveURL(/\/workflows$/);
});
