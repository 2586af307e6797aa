import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Page } from '@playwright/test';
import { expect, snapshot, test } from '../src/fixtures';
import { entryArgument, mcpServers as servers } from '../src/mcp';

/** Inputs, selects and text areas on the page without a label (as pages.e2e.ts checks other pages). */
function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('input, select, textarea')]
      .filter((el) => !((el as HTMLInputElement).labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')))
      .map((el) => el.outerHTML.slice(0, 120)),
  );
}

test('the MCP servers page adds a filesystem server, lists its tools, refuses a bad name and deletes it', async ({ page }) => {
  const root = mkdtempSync(join(tmpdir(), 'stagent-e2e-mcp-'));
  writeFileSync(join(root, 'notes.txt'), 'hello from e2e\n');
  try {
    const entry = entryArgument(root);
    await page.goto('/');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'MCP servers' }).click();
    await expect(page.getByRole('heading', { name: 'MCP servers', level: 1 })).toBeVisible();
    const before = (await servers()).length;

    const form = page.getByRole('form', { name: 'Add an MCP server' });
    const name = form.getByLabel('Name', { exact: true });
    await name.fill('Bad Name');
    await form.getByLabel('Command').fill('node');
    await form.getByLabel('Arguments').fill(`${entry}\n${root}`);
    await form.getByRole('button', { name: 'Add variable' }).click();
    await form.getByLabel('Variable 1 name').fill('E2E_TOKEN');
    await form.getByLabel('Variable 1 value').fill('not-a-real-secret');
    await expect(form.getByLabel('Variable 1 value')).toHaveAttribute('type', 'password');
    expect(await unlabelledControls(page)).toEqual([]);

    // A bad name: the error sits on the field, and nothing is stored.
    await form.getByRole('button', { name: 'Add server' }).click();
    await expect(name).toHaveAttribute('aria-invalid', 'true');
    await expect(name).toHaveAccessibleDescription(/A server name is 1 to 32 characters/);
    expect(await servers()).toHaveLength(before);

    await name.fill('files');
    await form.getByRole('button', { name: 'Add server' }).click();
    await expect
      .poll(async () => (await servers()).find((s) => s.name === 'files'))
      .toMatchObject({ name: 'files', command: 'node', args: [entry, root], secretKeys: ['E2E_TOKEN'], enabled: true });
    await expect(name).toHaveValue('');

    // Listed with its state and tools; the env value is never sent back.
    const card = page.getByRole('article', { name: /^files/ });
    await expect(card.getByText('connected', { exact: true })).toBeVisible();
    const tools = card.getByRole('list', { name: 'Tools of files' });
    const readTool = tools.getByRole('listitem').filter({ has: page.getByText('mcp__files__read_text_file', { exact: true }) });
    await expect(readTool).toBeVisible();
    await readTool.getByText('Input schema').click();
    await expect(readTool.getByText(/"path"/)).toBeVisible();
    await expect(card).toContainText('E2E_TOKEN');
    expect(await page.content()).not.toContain('not-a-real-secret');

    await card.getByRole('button', { name: 'Test connection of files' }).click();
    await expect(card.getByRole('status')).toHaveText(/^Connected: \d+ tools\.$/);
    await snapshot(page, 'mcp-servers');

    // Edit: the stored variable shows as set and hidden, and saving without retyping keeps it.
    await card.getByRole('button', { name: 'Edit files' }).click();
    const edit = page.getByRole('form', { name: 'Edit files' });
    await expect(edit.getByRole('list', { name: 'Environment variables that are set' })).toContainText('E2E_TOKEN set, hidden');
    expect(await unlabelledControls(page)).toEqual([]);
    await edit.getByLabel('Enabled').uncheck();
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(async () => (await servers()).find((s) => s.name === 'files')?.enabled).toBe(false);
    expect((await servers()).find((s) => s.name === 'files')?.secretKeys).toEqual(['E2E_TOKEN']);
    await expect(card.getByText('disabled', { exact: true })).toBeVisible();

    page.once('dialog', (dialog) => dialog.accept());
    await card.getByRole('button', { name: 'Delete files' }).click();
    await expect.poll(async () => (await servers()).some((s) => s.name === 'files')).toBe(false);
    await expect(page.getByRole('article', { name: /^files/ })).toHaveCount(0);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
