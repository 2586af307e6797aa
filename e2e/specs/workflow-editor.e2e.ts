import { createDocument, workflowByName } from '../src/api';
import { expect, snapshot, test } from '../src/fixtures';

test('create a 3-step workflow with per-step documents and see its estimate', async ({ page }) => {
  const brief = await createDocument('editor-brief.md', 'text/markdown', '# Brief\n\nQuarterly revenue grew 12% on subscription renewals.');
  await createDocument('editor-data.csv', 'text/csv', 'quarter,revenue\nQ1,100\nQ2,112\n');
  await createDocument('editor-style.txt', 'text/plain', 'Write short sentences. Cite numbers.');

  await page.goto('/workflows/new');
  await expect(page.getByRole('heading', { name: 'New workflow' })).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill('E2E editor report');
  await page.getByLabel('Runtime', { exact: true }).selectOption('simulated');
  await page.getByRole('group', { name: 'Global documents (every step)' }).getByLabel('editor-style.txt').check();

  const steps = [
    { name: 'Research', prompt: 'Summarize the revenue brief.', doc: 'editor-brief.md' },
    { name: 'Analyse', prompt: 'Compute growth per quarter from the data.', doc: 'editor-data.csv' },
    { name: 'Write', prompt: 'Write a two-paragraph report.', doc: null },
  ];
  for (const [i, step] of steps.entries()) {
    const n = i + 1;
    if (n > 1) await page.getByRole('button', { name: 'Add step' }).click();
    await page.getByLabel(`Step ${n} name`).fill(step.name);
    await page.getByLabel(`Step ${n} prompt`).fill(step.prompt);
    if (step.doc)
      await page
        .getByRole('group', { name: `Step ${n} documents` })
        .getByLabel(step.doc)
        .check();
  }

  // The live estimate: one bar per step plus the workflow total.
  for (const n of [1, 2, 3]) await expect(page.getByRole('meter', { name: `Step ${n} estimate` })).toBeVisible();
  await expect(page.getByRole('meter', { name: 'Workflow estimate' })).toHaveAttribute('aria-valuetext', /estimated of/);
  await expect(page.getByRole('region', { name: 'Optimizer' })).toBeVisible();
  await snapshot(page, 'workflow-new');

  await page.getByRole('button', { name: 'Create workflow' }).click();
  // Away from /workflows/new, which the pattern would match before the create committed.
  await expect(page).toHaveURL(/\/workflows\/(?!new$)[^/]+$/);

  await expect
    .poll(async () => {
      const wf = await workflowByName('E2E editor report');
      if (!wf) return null;
      return {
        steps: wf.steps.map((s) => s.name),
        stepDocs: wf.steps.map((s) => s.documentIds.length),
        global: wf.documents.filter((d) => d.stepId === null).length,
        firstStepHasBrief: wf.steps[0].documentIds.includes(brief),
      };
    })
    .toEqual({ steps: ['Research', 'Analyse', 'Write'], stepDocs: [1, 1, 0], global: 1, firstStepHasBrief: true });
  await expect(page.getByRole('heading', { name: /E2E editor report/ })).toBeVisible();
  await snapshot(page, 'workflow-edit');
});

test('server validation errors appear on their fields', async ({ page }) => {
  await page.goto('/workflows/new');
  await page.getByLabel('Name', { exact: true }).fill('E2E invalid budget');
  await page.getByLabel('Step 1 prompt').fill('Do something.');
  await page.getByLabel('Step 1 budget (USD)').fill('-3');
  await page.getByRole('button', { name: 'Create workflow' }).click();
  await expect(page.getByLabel('Step 1 budget (USD)')).toHaveAttribute('aria-invalid', 'true');
  await expect.poll(() => workflowByName('E2E invalid budget')).toBeNull();
});
