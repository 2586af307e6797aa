import { gql } from '../src/api';
import { expect, snapshot, test } from '../src/fixtures';

const names = async () => (await gql<{ documents: { name: string; mimeType: string }[] }>('{ documents { name mimeType } }')).documents;

test('upload text, markdown, JSON and CSV; view; delete', async ({ page }) => {
  await page.goto('/documents');
  await page.getByLabel('Text, markdown, JSON or CSV files').setInputFiles([
    { name: 'upload-notes.txt', mimeType: 'text/plain', buffer: Buffer.from('plain notes') },
    { name: 'upload-guide.md', mimeType: 'text/markdown', buffer: Buffer.from('# Guide\n\nSteps.') },
    { name: 'upload-config.json', mimeType: 'application/json', buffer: Buffer.from('{"a":1,"b":[2,3]}') },
    { name: 'upload-table.csv', mimeType: 'text/csv', buffer: Buffer.from('x,y\n1,2\n') },
  ]);
  await expect
    .poll(async () =>
      (await names())
        .filter((d) => d.name.startsWith('upload-'))
        .map((d) => d.mimeType)
        .sort(),
    )
    .toEqual(['application/json', 'text/csv', 'text/markdown', 'text/plain']);

  const row = page.getByRole('row').filter({ hasText: 'upload-config.json' });
  await expect(row).toBeVisible();
  await row.getByRole('button', { name: /View/ }).click();
  await expect(page.getByLabel('Content of upload-config.json')).toContainText('"b": [');
  await snapshot(page, 'documents');

  page.once('dialog', (dialog) => dialog.accept());
  await page
    .getByRole('row')
    .filter({ hasText: 'upload-notes.txt' })
    .getByRole('button', { name: /Delete/ })
    .click();
  await expect.poll(async () => (await names()).some((d) => d.name === 'upload-notes.txt')).toBe(false);
  await expect(page.getByRole('row').filter({ hasText: 'upload-notes.txt' })).toHaveCount(0);
});
