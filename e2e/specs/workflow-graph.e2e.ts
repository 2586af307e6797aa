import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { createWorkflow, ensureDocument, workflowByName, type SeedStep } from '../src/api';
import { artifactsDir } from '../src/database';
import { expect, tabTo, test } from '../src/fixtures';

// The workflow editor draws the definition as a graph laid out from its pattern (#22).

const step = (id: string, name: string): SeedStep => ({ id, name, prompt: `Do the ${name.toLowerCase()} part.` });

interface Case {
  pattern: string;
  steps: SeedStep[];
  config?: Record<string, unknown>;
  /** source>target of every edge the graph draws. */
  edges: string[];
  /** Text some node shows: a mark of the pattern. */
  marks?: { step: string; text: string }[];
}

const CASES: Case[] = [
  {
    pattern: 'SEQUENCE',
    steps: [step('research', 'Research'), step('wait', 'Cool off'), step('write', 'Write')],
    config: { delays: { wait: '2h' } },
    edges: ['research>wait', 'wait>write'],
    marks: [{ step: 'wait', text: 'Delay 2h' }],
  },
  {
    pattern: 'PARALLEL',
    steps: [step('market', 'Market'), step('pricing', 'Pricing'), step('risks', 'Risks'), step('synthesis', 'Synthesis')],
    edges: ['market>synthesis', 'pricing>synthesis', 'risks>synthesis'],
    marks: [{ step: 'synthesis', text: 'Synthesis 4' }],
  },
  {
    pattern: 'CHECKPOINT',
    steps: [step('draft', 'Draft'), step('publish', 'Publish'), step('announce', 'Announce')],
    config: { checkpoints: ['publish'] },
    edges: ['draft>publish', 'publish>announce'],
    marks: [{ step: 'publish', text: 'Gate' }],
  },
  {
    pattern: 'LOOP',
    steps: [step('refine', 'Refine')],
    config: { maxIterations: 4 },
    edges: ['refine>refine'],
    marks: [{ step: 'refine', text: 'Loop step 1' }],
  },
  {
    pattern: 'SWARM',
    steps: [step('plan', 'Plan'), step('w1', 'Worker A'), step('w2', 'Worker B'), step('merge', 'Merge')],
    edges: ['plan>w1', 'plan>w2', 'w1>merge', 'w2>merge'],
    marks: [
      { step: 'plan', text: 'Planner 1' },
      { step: 'merge', text: 'Refinery 4' },
    ],
  },
  {
    pattern: 'PLANNER_EXECUTOR',
    steps: [step('plan', 'Plan'), step('build', 'Build'), step('test', 'Test')],
    edges: ['plan>build', 'plan>test', 'build>test'],
    marks: [{ step: 'build', text: 'Executor 2' }],
  },
];

function graphOf(page: Page, name: string) {
  return page.getByRole('figure', { name: `Graph of ${name}` });
}

for (const c of CASES) {
  test(`${c.pattern}: the editor's graph has one node per step and the pattern's edges; the definition edited on the graph is saved`, async ({ page }) => {
    const name = `E2E graph ${c.pattern.toLowerCase()}`;
    const id = await createWorkflow({ name, pattern: c.pattern, steps: c.steps, ...(c.config ? { config: c.config } : {}) });
    await page.goto(`/workflows/${id}`);
    const graph = graphOf(page, name);
    await expect(graph).toBeVisible();

    const nodes = graph.locator('[data-step-id]');
    await expect(nodes).toHaveCount(c.steps.length);
    expect(await nodes.evaluateAll((els) => els.map((el) => el.getAttribute('data-step-id')).sort())).toEqual(c.steps.map((s) => s.id).sort());
    for (const s of c.steps) await expect(graph.locator(`[data-step-id="${s.id}"]`)).toContainText(s.name);

    const edges = graph.locator('.svelte-flow__edge');
    await expect(edges).toHaveCount(c.edges.length);
    // Edge ids are `<kind>:<source>-><target>`.
    const drawn = await edges.evaluateAll((els) => els.map((el) => (el.getAttribute('data-id') ?? '').replace(/^\w+:/, '').replace('->', '>')).sort());
    expect(drawn).toEqual([...c.edges].sort());
    for (const mark of c.marks ?? []) await expect(graph.locator(`[data-step-id="${mark.step}"]`)).toContainText(mark.text);
    // Every node's buttons lie inside it, whatever marks share their line (nothing clipped).
    for (const s of c.steps) {
      const node = graph.locator(`[data-step-id="${s.id}"]`);
      const box = (await node.boundingBox())!;
      for (const button of await node.getByRole('button').all()) {
        const b = (await button.boundingBox())!;
        expect(b.x >= box.x && b.x + b.width <= box.x + box.width + 0.5, `${s.id}: ${await button.getAttribute('aria-label')} inside its node`).toBe(true);
      }
    }
    if (c.pattern === 'LOOP') await expect(graph).toContainText('repeat until at most 4 iterations');

    // Each node shows its runtime and model, its documents and its estimate against its cap.
    const first = graph.locator(`[data-step-id="${c.steps[0]!.id}"]`);
    await expect(first).toContainText(/simulat/i);
    await expect(first).toContainText(/estimated of \$/);
    // The graph alone, as a test artifact (e2e/artifacts/workflow-graph-<pattern>.png), like snapshot().
    await graph.screenshot({ path: join(artifactsDir(), `workflow-graph-${c.pattern.toLowerCase().replaceAll('_', '-')}.png`) });

    // Editing through the graph: a step added after the first (a loop takes one step only: its
    // node is renamed instead), written in the side panel, then saved.
    const firstName = c.steps[0]!.name;
    const add = graph.getByRole('button', { name: `Add a step after ${firstName}` });
    let saved = [firstName, 'Written on the graph', ...c.steps.slice(1).map((s) => s.name)];
    if (c.pattern === 'LOOP') {
      await expect(add).toBeDisabled();
      await expect(add).toHaveAttribute('title', 'A loop workflow takes at most 1 step.');
      await expect(page.getByRole('button', { name: 'Add step', exact: true })).toBeDisabled();
      await first.click();
      saved = ['Written on the graph'];
    } else {
      await add.click();
      await expect(nodes).toHaveCount(c.steps.length + 1);
      // A new step is named after its number until renamed.
      await graph.locator(`[data-step-id]:has(p.name:text-is("Step ${c.steps.length + 1}"))`).click();
    }
    const n = c.pattern === 'LOOP' ? 1 : 2;
    const panel = page.getByRole('region', { name: `Step ${n} on the graph` });
    await panel.getByLabel(`Step ${n} name`).fill('Written on the graph');
    await panel.getByLabel(`Step ${n} prompt`).fill('Check the first step.');
    await expect(graph.locator('[data-step-id]').filter({ hasText: 'Written on the graph' })).toHaveCount(1);
    await page.getByRole('button', { name: 'Save workflow' }).click();
    await expect.poll(async () => (await workflowByName(name))?.steps.map((s) => s.name)).toEqual(saved);
  });
}

test('the form and the graph are one state: a renamed step renames its node, a node leads to its step', async ({ page }) => {
  const name = 'E2E graph rename';
  const id = await createWorkflow({ name, steps: [step('first', 'First'), step('second', 'Second')] });
  await page.goto(`/workflows/${id}`);
  const graph = graphOf(page, name);
  await expect(graph.locator('[data-step-id="second"]')).toContainText('Second');

  await page.getByLabel('Step 2 name').fill('Second, renamed <b>here</b>');
  // Untrusted text is text: the markup shows as typed.
  await expect(graph.locator('[data-step-id="second"]')).toContainText('Second, renamed <b>here</b>');
  await expect(graph.locator('[data-step-id="second"] b')).toHaveCount(0);

  await page.getByLabel('Step 1 name').fill('Renamed first');
  await expect(graph.locator('[data-step-id="first"]')).toContainText('Renamed first');
  await page.getByLabel('Name', { exact: true }).fill('E2E graph renamed');
  await expect(graphOf(page, 'E2E graph renamed')).toBeVisible();

  // Adding a step in the form adds its node and edge.
  await page.getByRole('button', { name: 'Add step' }).click();
  await expect(graphOf(page, 'E2E graph renamed').locator('[data-step-id]')).toHaveCount(3);
  await expect(graphOf(page, 'E2E graph renamed').locator('.svelte-flow__edge')).toHaveCount(2);

  // Every node is reachable by Tab; Enter on one opens its step in the panel beside the graph.
  const renamed = graphOf(page, 'E2E graph renamed');
  for (const id of ['first', 'second']) await tabTo(page, renamed.locator(`[data-step-id="${id}"]`));
  await page.keyboard.press('Enter');
  const panel = page.getByRole('region', { name: 'Step 2 on the graph' });
  await expect(panel.getByLabel('Step 2 name')).toBeFocused();
  // Escape closes it and gives the focus back to the node.
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
  await expect(renamed.locator('[data-step-id="second"]')).toBeFocused();
  // A click opens it too.
  await renamed.locator('[data-step-id="first"]').click();
  await expect(page.getByRole('region', { name: 'Step 1 on the graph' }).getByLabel('Step 1 name')).toBeFocused();
});

test('selecting a node edits its step in a side panel: the node, the form and the saved definition follow', async ({ page }) => {
  const name = 'E2E graph side panel';
  const documentId = await ensureDocument('graph-price-list.md', 'text/markdown', '# Price list\n\nBasic 10 USD, Pro 25 USD.');
  const id = await createWorkflow({ name, pattern: 'PARALLEL', steps: [step('market', 'Market'), step('pricing', 'Pricing'), step('synthesis', 'Synthesis')] });
  await page.goto(`/workflows/${id}`);
  const graph = graphOf(page, name);
  await graph.locator('[data-step-id="pricing"]').click();
  const panel = page.getByRole('region', { name: 'Step 2 on the graph' });
  await expect(panel).toBeVisible();
  await expect(graph.locator('.svelte-flow__node.selected[data-step-id="pricing"]')).toHaveCount(1);
  // The list keeps its place for the step, pointing at the panel: one editor per step.
  await expect(page.getByText('Step 2, “Pricing”, is open in the panel beside the graph.')).toBeVisible();
  await expect(page.getByLabel('Step 2 name')).toHaveCount(1);

  await panel.getByLabel('Step 2 name').fill('Competitor pricing');
  await panel.getByLabel('Step 2 prompt').fill('Compare three competitors.');
  await panel.getByLabel('Step 2 budget (USD)').fill('0.5');
  await panel
    .getByRole('group', { name: 'Step 2 documents' })
    .getByLabel(/graph-price-list\.md/)
    .check();
  await expect(graph.locator('[data-step-id="pricing"]')).toContainText('Documents: graph-price-list.md');
  await expect(graph.locator('[data-step-id="pricing"]')).toContainText('Competitor pricing');
  await expect(graph.locator('[data-step-id="pricing"]')).toContainText(/estimated of \$0\.50/);
  await graph.screenshot({ path: join(artifactsDir(), 'workflow-graph-side-panel.png') });

  // Moving the selected step on the graph keeps it in the panel, under its new number.
  await graph.getByRole('button', { name: 'Move Competitor pricing earlier' }).click();
  await expect(page.getByRole('region', { name: 'Step 1 on the graph' }).getByLabel('Step 1 name')).toHaveValue('Competitor pricing');

  // "Edit it here" closes the panel and takes the caret to the step in the list.
  await page.getByRole('button', { name: 'Edit it here' }).click();
  await expect(page.getByRole('region', { name: /on the graph$/ })).toHaveCount(0);
  await expect(page.getByLabel('Step 1 name')).toBeFocused();

  await page.getByRole('button', { name: 'Save workflow' }).click();
  await expect
    .poll(async () => (await workflowByName(name))?.steps.map((s) => [s.id, s.name, s.budgetUsd]))
    .toEqual([
      ['pricing', 'Competitor pricing', 0.5],
      ['market', 'Market', null],
      ['synthesis', 'Synthesis', null],
    ]);
  expect((await workflowByName(name))?.steps[0]?.documentIds).toEqual([documentId]);
});

test('editing through the graph: move, add and remove steps on their nodes, then save the definition', async ({ page }) => {
  const name = 'E2E graph editing';
  const id = await createWorkflow({ name, steps: [step('research', 'Research'), step('draft', 'Draft'), step('write', 'Write')] });
  await page.goto(`/workflows/${id}`);
  const graph = graphOf(page, name);
  await expect(graph.locator('[data-step-id]')).toHaveCount(3);

  await graph.getByRole('button', { name: 'Move Write earlier' }).click();
  await expect(page.getByLabel('Step 2 name')).toHaveValue('Write');
  // By keyboard: the focus stays on the moved node's button after the graph is redrawn.
  await expect(graph.getByRole('button', { name: 'Move Write earlier' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Step 1 name')).toHaveValue('Write');

  await graph.getByRole('button', { name: 'Remove Draft' }).click();
  await expect(graph.locator('[data-step-id]')).toHaveCount(2);
  await expect(graph.locator('[data-step-id="draft"]')).toHaveCount(0);

  await graph.getByRole('button', { name: 'Add a step after Write' }).click();
  await expect(graph.locator('[data-step-id]')).toHaveCount(3);
  await expect(graph.locator('.svelte-flow__edge')).toHaveCount(2);
  await page.getByLabel('Step 2 name').fill('Check');
  await page.getByLabel('Step 2 prompt').fill('Check the facts.');
  await expect(graph.locator('[data-step-id]').filter({ hasText: 'Check' })).toHaveCount(1);

  await page.getByRole('button', { name: 'Save workflow' }).click();
  await expect.poll(async () => (await workflowByName(name))?.steps.map((s) => s.name)).toEqual(['Write', 'Check', 'Research']);
  await graph.screenshot({ path: join(artifactsDir(), 'workflow-graph-edited.png') });
});
