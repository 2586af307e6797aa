import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorkflow, gql, mutate, workflowByName } from '../src/api';
import { expect, snapshot, test } from '../src/fixtures';
import { createFilesystemServer, deleteMcpServerNamed, entryArgument, mcpServers } from '../src/mcp';

// The file the agent reads. Its markup must come back as text, never as HTML.
const FILE_TEXT = 'Launch notes: ship on <b>Friday</b> & tell the team.';
const TOOL = 'mcp__files__read_text_file';

interface CallRow {
  id: string;
  stepId: string | null;
  toolName: string;
  status: string;
  approval: string;
  output: string | null;
  error: string | null;
  comment: string | null;
}

async function toolCalls(filter: { runId?: string; status?: string }): Promise<CallRow[]> {
  const data = await gql<{ toolCalls: CallRow[] }>(
    'query ($runId: ID, $status: ToolCallStatus) { toolCalls(runId: $runId, status: $status) { id stepId toolName status approval output error comment } }',
    filter,
  );
  return data.toolCalls;
}

async function runStatus(runId: string): Promise<string | undefined> {
  return (await gql<{ workflowRun: { status: string } | null }>('query ($id: ID!) { workflowRun(id: $id) { status } }', { id: runId })).workflowRun?.status;
}

async function grantsOf(workflowId: string): Promise<unknown> {
  const data = await gql<{ workflow: { tools: unknown; steps: { tools: unknown }[] } }>(
    'query ($id: ID!) { workflow(id: $id) { tools { tool approval } steps { tools { tool approval } } } }',
    { id: workflowId },
  );
  return data.workflow;
}

// One filesystem server named `files` over a folder of its own, for both tests (the first adds it through the page).
let root = '';
let file = '';
test.beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'stagent-e2e-tools-'));
  file = join(root, 'notes.txt');
  writeFileSync(file, `${FILE_TEXT}\n`);
  await deleteMcpServerNamed('files');
});
test.afterAll(async () => {
  await deleteMcpServerNamed('files');
  rmSync(root, { recursive: true, force: true });
});

test('a tool call that asks waits in the Approvals inbox; approved with a comment, its output shows in the run view', async ({ page }) => {
  const nav = page.getByRole('navigation', { name: 'Main' });

  // 1. The filesystem server, added on the MCP servers page.
  await page.goto('/mcp-servers');
  const form = page.getByRole('form', { name: 'Add an MCP server' });
  await form.getByLabel('Name', { exact: true }).fill('files');
  await form.getByLabel('Command').fill('node');
  await form.getByLabel('Arguments').fill(`${entryArgument(root)}\n${root}`);
  await form.getByRole('button', { name: 'Add server' }).click();
  await expect.poll(async () => (await mcpServers()).some((s) => s.name === 'files')).toBe(true);
  await expect(page.getByRole('article', { name: /^files/ }).getByText('connected', { exact: true })).toBeVisible();

  // 2. A workflow on the simulator whose prompt calls the tool, granted ASK in the editor.
  await page.goto('/workflows/new');
  await page.getByLabel('Name', { exact: true }).fill('E2E tool approval');
  await page.getByLabel('Runtime', { exact: true }).selectOption('simulated');
  await page.getByLabel('Step 1 name').fill('Read the notes');
  await page.getByLabel('Step 1 prompt').fill(`Read the launch notes.\n/tool ${TOOL} {"path": ${JSON.stringify(file)}}`);
  const tools = page.getByRole('group', { name: 'Tools (every step)' });
  await expect(tools).toContainText('the first grant that matches a tool decides');
  // The picker offers the server's tools and its glob (and still takes free text).
  await expect(page.locator(`#mcp-tool-options option[value="${TOOL}"]`)).toHaveCount(1);
  await expect(page.locator('#mcp-tool-options option[value="mcp__files__*"]')).toHaveCount(1);

  // An unknown tool is refused on its own field, and nothing is stored.
  const stepTools = page.getByRole('group', { name: 'Step 1 tools' });
  await stepTools.getByRole('button', { name: 'Add a tool to step 1' }).click();
  await page.getByLabel('Step 1 tool 1', { exact: true }).fill('mcp__files__no_such_tool');
  await page.getByRole('button', { name: 'Create workflow' }).click();
  await expect(page.getByLabel('Step 1 tool 1', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Step 1 tool 1', { exact: true })).toHaveAccessibleDescription(/has no tool "no_such_tool"/);
  expect(await workflowByName('E2E tool approval')).toBeNull();
  await stepTools.getByRole('button', { name: 'Remove tool 1 of step 1' }).click();

  await tools.getByRole('button', { name: 'Add a workflow tool' }).click();
  await page.getByLabel('Workflow tool 1', { exact: true }).fill(TOOL);
  await page.getByLabel('Workflow tool 1 approval').selectOption('ASK');
  await expect(tools).toContainText('Read the complete contents of a file'); // the tool's description, as text
  await snapshot(page, 'workflow-tool-grants');
  await page.getByRole('button', { name: 'Create workflow' }).click();
  // Away from /workflows/new, which the pattern would match before the create committed.
  await expect(page).toHaveURL(/\/workflows\/(?!new$)[^/]+$/);
  const workflow = (await workflowByName('E2E tool approval'))!;
  expect(await grantsOf(workflow.id)).toEqual({ tools: [{ tool: TOOL, approval: 'ASK' }], steps: [{ tools: [] }] });

  // Editing another field keeps the grant; then run it.
  await page.getByLabel('Description').fill('Reads a file through MCP, with approval.');
  await page.getByRole('button', { name: 'Save and run' }).click();
  await expect(page).toHaveURL(/\/runs\/[^/]+$/);
  const runUrl = new URL(page.url()).pathname;
  const runId = runUrl.split('/').pop()!;
  expect(await grantsOf(workflow.id)).toEqual({ tools: [{ tool: TOOL, approval: 'ASK' }], steps: [{ tools: [] }] });

  // 3. The run waits on the call: shown in the run view with its input, and counted in the nav.
  await expect.poll(() => runStatus(runId), { timeout: 30_000 }).toBe('WAITING_APPROVAL');
  await expect(page.getByRole('heading', { name: 'Approval needed', exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { name: /^Approval needed: / })).toHaveCount(0); // not a checkpoint gate
  const waitingCall = page.getByRole('region', { name: 'Tool calls of Read the notes' }).getByRole('article', { name: new RegExp(TOOL) });
  await expect(waitingCall).toContainText('waiting approval');
  await expect(waitingCall).toContainText(JSON.stringify(file));
  await expect(waitingCall.getByRole('button', { name: `Approve the call to ${TOOL}` })).toBeVisible();
  await expect(page.getByRole('heading', { name: /Run #1/ })).toContainText('waiting approval');
  await snapshot(page, 'run-tool-waiting');
  const inboxLink = nav.getByRole('link', { name: /^Approvals/ });
  await expect(inboxLink).toHaveAccessibleName(/^Approvals\s*1 waiting$/);

  // 4. The inbox lists it with where it comes from; approve it there with a comment.
  await inboxLink.click();
  await expect(page.getByRole('heading', { name: 'Approvals', level: 1 })).toBeVisible();
  const item = page.getByRole('list', { name: 'Calls waiting for approval' }).getByRole('article', { name: TOOL });
  await expect(item).toHaveCount(1);
  await expect(item).toContainText('E2E tool approval');
  await expect(item).toContainText('Run #1');
  await expect(item).toContainText('Read the notes');
  await expect(item).toContainText(`"path": ${JSON.stringify(file)}`);
  await expect(item).toContainText('Read the complete contents of a file');
  await page.reload(); // the list loads on its own too (and the editor's toasts are gone for the screenshot)
  await expect(item).toContainText('Read the complete contents of a file');
  await snapshot(page, 'approvals-inbox');
  await item.getByLabel(/^Comment/).fill('Fine: these are the launch notes.');
  await item.getByRole('button', { name: `Approve the call to ${TOOL}` }).click();
  await expect(item).toHaveCount(0);
  await expect(page.getByText('Nothing waits for approval.')).toBeVisible();
  await expect(inboxLink).toHaveAccessibleName('Approvals');

  // 5. The run goes on and completes; the call SUCCEEDED with the file's text, shown as text.
  await expect.poll(() => runStatus(runId), { timeout: 30_000 }).toBe('COMPLETED');
  await page.goto(runUrl);
  await expect(page.getByRole('heading', { name: /Run #1/ })).toContainText('completed');
  const call = page.getByRole('region', { name: 'Tool calls of Read the notes' }).getByRole('article', { name: new RegExp(TOOL) });
  await expect(call).toContainText('succeeded');
  await expect(call).toContainText('Comment: Fine: these are the launch notes.');
  await call.getByText(`Output of ${TOOL} (`).click();
  await expect(call.locator('pre').filter({ hasText: 'Launch notes' })).toHaveText(FILE_TEXT);
  await expect(call.locator('b')).toHaveCount(0);
  await snapshot(page, 'run-tool-calls');

  const [stored] = await toolCalls({ runId });
  expect(stored).toMatchObject({ toolName: TOOL, status: 'SUCCEEDED', approval: 'ASK', comment: 'Fine: these are the launch notes.' });
  expect(stored.output).toContain(FILE_TEXT);
});

test('denied calls: by a person (the agent gets the comment) and by a DENY grant; the run still completes', async () => {
  if (!(await mcpServers()).some((s) => s.name === 'files')) await createFilesystemServer('files', root);
  const directive = `/tool ${TOOL} {"path": ${JSON.stringify(file)}}`;
  const workflowId = await createWorkflow({
    name: 'E2E tool denials',
    steps: [
      { id: 'ask', name: 'Ask', prompt: `Read it.\n${directive}`, tools: [{ tool: TOOL, approval: 'ASK' }] },
      { id: 'refused', name: 'Refused', prompt: `Read it again.\n${directive}`, tools: [{ tool: 'mcp__files__*', approval: 'DENY' }] },
    ],
  });
  const started = await mutate<{ run: { id: string } }>(
    'executeWorkflow',
    'mutation ($id: ID!) { executeWorkflow(id: $id) { run { id } errors { field message code } } }',
    { id: workflowId },
  );
  const runId = started.run.id;

  await expect.poll(async () => (await toolCalls({ runId, status: 'WAITING_APPROVAL' })).length, { timeout: 30_000 }).toBe(1);
  const [waiting] = await toolCalls({ runId, status: 'WAITING_APPROVAL' });
  const resolve =
    'mutation ($id: ID!, $approved: Boolean!, $comment: String) { resolveToolCall(id: $id, approved: $approved, comment: $comment) { toolCall { status error comment } errors { field message code } } }';
  const denied = await mutate<{ toolCall: { status: string; error: string; comment: string } }>('resolveToolCall', resolve, {
    id: waiting.id,
    approved: false,
    comment: 'Not this file.',
  });
  expect(denied.toolCall).toEqual({ status: 'DENIED', error: 'Denied by a person: Not this file.', comment: 'Not this file.' });
  // Decided once: a second decision is refused.
  const again = await gql<{ resolveToolCall: { errors: { code: string }[] } }>(resolve, { id: waiting.id, approved: true });
  expect(again.resolveToolCall.errors.map((e) => e.code)).toEqual(['NOT_APPLICABLE']);

  await expect.poll(() => runStatus(runId), { timeout: 30_000 }).toBe('COMPLETED');
  const calls = await toolCalls({ runId });
  expect(calls.map((c) => [c.stepId, c.status, c.approval]).sort()).toEqual([
    ['ask', 'DENIED', 'ASK'],
    ['refused', 'DENIED', 'DENY'],
  ]);
  expect(calls.every((c) => c.output === null)).toBe(true);
});
