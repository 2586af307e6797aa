import { gql } from '../src/api';
import { expect, snapshot, test } from '../src/fixtures';
import { startStack, type Stack } from '../src/stack';

// The assistant on the demo data: its own API (demo on, simulated runtime, no API keys) and
// dashboard, apart from the suite's. The simulator's scripted assistant lists the workflows, then
// asks to execute the best match, which waits for approval (it spends).
let stack: Stack;
test.beforeAll(async () => {
  test.setTimeout(180_000);
  stack = await startStack({ demo: true });
});
test.afterAll(async () => {
  await stack?.stop();
});

const WORKFLOW = 'Competitive scan';

interface StoredConversation {
  id: string;
  messages: {
    role: string;
    status: string;
    toolCalls: { toolName: string; status: string }[];
    links: { label: string; workflowId: string; runId: string | null }[];
  }[];
}

async function conversations(): Promise<StoredConversation[]> {
  const data = await gql<{ assistantConversations: StoredConversation[] }>(
    '{ assistantConversations { id messages { role status toolCalls { toolName status } links { label workflowId runId } } } }',
    {},
    stack.apiUrl,
  );
  return data.assistantConversations;
}

async function setting(key: string): Promise<unknown> {
  const data = await gql<{ settings: { key: string; value: unknown }[] }>('{ settings { key value } }', {}, stack.apiUrl);
  return data.settings.find((s) => s.key === key)?.value;
}

test('the assistant runs a demo workflow after an inline approval and links the live run', async ({ page }) => {
  await page.goto(`${stack.webUrl}/workflows`);
  const toggle = page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Assistant' });
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await toggle.click();
  const panel = page.getByRole('complementary', { name: 'Assistant' });
  await expect(panel).toBeVisible();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  const input = panel.getByLabel('Message', { exact: true });
  await expect(input).toBeFocused();
  await expect(panel.getByLabel('Runtime')).toHaveValue('');
  await expect(panel.getByText('No conversations yet')).toBeVisible();

  // An empty message is refused beside the input, and nothing is stored.
  await panel.getByRole('button', { name: 'Send' }).click();
  const refusal = panel.getByRole('form', { name: 'Message the assistant' }).getByRole('alert');
  await expect(refusal).toBeVisible();
  await expect(refusal).not.toBeEmpty();
  await expect(input).toHaveAttribute('aria-invalid', 'true');
  expect(await conversations()).toEqual([]);

  // Shift+Enter is a new line; Enter sends.
  await input.fill(`Run the ${WORKFLOW}`);
  await input.press('Shift+Enter');
  await expect(input).toHaveValue(`Run the ${WORKFLOW}\n`);
  await input.fill(`Run the ${WORKFLOW} workflow`);
  await input.press('Enter');
  await expect(input).toHaveValue('');
  await expect(refusal).toHaveCount(0);
  await expect(panel.getByRole('article', { name: 'Your message', exact: true })).toContainText(`Run the ${WORKFLOW} workflow`);

  // The answer streams: it lists the workflows at once, then waits for approval to execute one.
  const answer = panel.getByRole('article', { name: 'Answer', exact: true }).last();
  await expect(answer.getByRole('article', { name: /list_workflows/ })).toContainText('succeeded', { timeout: 30_000 });
  const execute = answer.getByRole('article', { name: /execute_workflow/ });
  await expect(execute).toContainText('waiting approval', { timeout: 30_000 });
  await expect(execute).toContainText('id: ');
  await expect(answer).toContainText(`Starting a run of ${WORKFLOW}`);
  await expect(answer).toContainText('Simulated assistant: no model was called.');
  await expect(panel.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: new RegExp(`^Run the ${WORKFLOW} workflow`) })).toHaveAttribute(
    'aria-current',
    'true',
  );
  await snapshot(page, 'assistant-waiting-approval');

  // Approved inline: the same answer goes on, quotes the estimate and links the run.
  await execute.getByRole('button', { name: 'Approve the call to execute_workflow' }).click();
  await expect(execute).toContainText('succeeded', { timeout: 30_000 });
  await expect(answer).toContainText('Estimated cost:', { timeout: 30_000 });
  await expect(answer.getByText(/^\$\d+\.\d{2,4} · [\d,]+ tokens? \([\d,]+ in, [\d,]+ out\)$/)).toBeVisible();
  const stored = await conversations();
  expect(stored).toHaveLength(1);
  const reply = stored[0].messages.at(-1)!;
  expect(reply).toMatchObject({ role: 'assistant', status: 'COMPLETED' });
  expect(reply.toolCalls.map((c) => [c.toolName, c.status])).toEqual([
    ['list_workflows', 'SUCCEEDED'],
    ['execute_workflow', 'SUCCEEDED'],
  ]);
  const runLink = reply.links.find((l) => l.runId)!;
  expect(runLink).toBeTruthy();
  const runPath = `/workflows/${runLink.workflowId}/runs/${runLink.runId}`;
  // The run is linked twice: in the answer's text and in its links, both in place (no new tab).
  const textLink = answer.getByRole('link', { name: new RegExp(`^Run #\\d+ of ${WORKFLOW}$`) });
  await expect(textLink).toHaveAttribute('href', runPath);
  await expect(textLink).not.toHaveAttribute('target', /.+/);
  const linked = answer.getByRole('list', { name: 'Workflows and runs of this answer' }).getByRole('link', { name: runLink.label, exact: true });
  await expect(linked).toHaveAttribute('href', runPath);
  await snapshot(page, 'assistant-answer');

  // Following the link opens the live run; the panel stays open with the conversation, and usable.
  await linked.click();
  await expect(page).toHaveURL(new RegExp(`${runPath}$`));
  await expect(
    page
      .getByRole('main')
      .getByRole('heading', { name: new RegExp(runLink.label) })
      .first(),
  ).toBeVisible();
  await expect(panel).toBeVisible();
  await expect(answer).toContainText('Estimated cost:');
  await input.fill('list workflows');
  await expect(input).toHaveValue('list workflows');
  await snapshot(page, 'assistant-run-page');

  // Escape closes it and gives focus back to the button; reopening shows the same conversation.
  await input.press('Escape');
  await expect(panel).toBeHidden();
  await expect(toggle).toBeFocused();
  await toggle.press('Enter');
  await expect(panel.getByRole('article', { name: 'Answer', exact: true })).toContainText('Estimated cost:');
  await expect(input).toHaveValue('list workflows');
});

test('settings edit the assistant.autoApprove list as checkboxes', async ({ page }) => {
  const before = await setting('assistant.autoApprove');
  await page.goto(`${stack.webUrl}/settings`);
  const group = page.getByRole('group', { name: 'assistant.autoApprove' });
  await expect(group).toBeVisible();
  const box = group.getByRole('checkbox', { name: 'delete_workflow', exact: true });
  await expect(group.getByRole('checkbox', { name: 'execute_workflow', exact: true })).toBeVisible();
  await expect(box).not.toBeChecked();

  await box.check();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect.poll(() => setting('assistant.autoApprove')).toEqual([...((before as string[] | null) ?? []), 'delete_workflow']);
  await page.reload();
  await expect(box).toBeChecked();
  await snapshot(page, 'settings-list');

  await box.uncheck();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect.poll(() => setting('assistant.autoApprove')).toEqual((before as string[] | null) ?? []);
});
