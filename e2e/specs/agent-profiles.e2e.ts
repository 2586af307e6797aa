import { type Page } from '@playwright/test';
import { createWorkflow, gql } from '../src/api';
import { expect, snapshot, test } from '../src/fixtures';

interface StoredProfile {
  id: string;
  name: string;
  builtIn: boolean;
  description: string | null;
  systemPrompt: string;
  maxTurns: number | null;
  runtimeId: string | null;
  modelId: string | null;
}

async function userProfiles(): Promise<StoredProfile[]> {
  const data = await gql<{ agentProfiles: StoredProfile[] }>(/* GraphQL */ `
    {
      agentProfiles {
        id
        name
        builtIn
        description
        systemPrompt
        maxTurns
        runtimeId
        modelId
      }
    }
  `);
  return data.agentProfiles.filter((p) => !p.builtIn);
}

async function stepProfiles(workflowId: string): Promise<(string | null)[]> {
  const data = await gql<{ workflow: { steps: { profileId: string | null }[] } }>('query ($id: ID!) { workflow(id: $id) { steps { profileId } } }', {
    id: workflowId,
  });
  return data.workflow.steps.map((s) => s.profileId);
}

async function latestRun(workflowId: string): Promise<{ status: string; steps: { stepId: string; status: string; modelId: string | null }[] } | null> {
  const data = await gql<{ workflow: { latestRun: { status: string; steps: { stepId: string; status: string; modelId: string | null }[] } | null } }>(
    'query ($id: ID!) { workflow(id: $id) { latestRun { status steps { stepId status modelId } } } }',
    { id: workflowId },
  );
  return data.workflow.latestRun;
}

/** Inputs, selects and text areas on the page without a label (as pages.e2e.ts checks other pages). */
function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('input, select, textarea')]
      .filter((el) => (el as HTMLInputElement).type !== 'hidden')
      .filter((el) => !((el as HTMLInputElement).labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')))
      .map((el) => el.outerHTML.slice(0, 120)),
  );
}

const NAME = 'E2E terse analyst';
const PROMPT = 'Answer in three bullet points at most. <b>Never</b> pad the answer.';

test('a profile made on the Profiles page is used by a step, kept across saves, and its run completes on the simulator', async ({ page }) => {
  const before = await userProfiles();

  // 1. The Profiles page, from the nav: built-ins read-only, the form labelled.
  await page.goto('/workflows');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Profiles' }).click();
  await expect(page.getByRole('heading', { name: 'Profiles', level: 1 })).toBeVisible();
  const builtIns = page.getByRole('region', { name: 'Built-in profiles' });
  await expect(builtIns.getByRole('article')).toHaveCount(4);
  const researcher = builtIns.getByRole('article', { name: /^Researcher/ });
  await expect(researcher).toContainText('built in');
  await expect(researcher.getByRole('button', { name: /^Edit/ })).toHaveCount(0);
  await expect(researcher.getByRole('button', { name: /^Delete/ })).toHaveCount(0);
  expect(await unlabelledControls(page)).toEqual([]);

  const form = page.getByRole('form', { name: 'New profile' });
  const name = form.getByLabel('Name', { exact: true });
  const prompt = form.getByLabel('System prompt');

  // Copy a built-in: its fields land in the form under a new name, and focus goes to the name.
  await researcher.getByRole('button', { name: 'Copy to my profiles (Researcher)' }).click();
  await expect(name).toHaveValue('Researcher (copy)');
  await expect(name).toBeFocused();
  await expect(prompt).toHaveValue(/^You are a careful researcher\./);
  await expect(form.getByLabel('Max turns (1-50)')).toHaveValue('20');

  // 2. Bad input first: an empty name and 51 turns are refused on their fields, and nothing is stored.
  await name.fill('');
  await prompt.fill(PROMPT);
  await expect(prompt).toHaveAccessibleDescription(new RegExp(`${PROMPT.length} / 20,000 characters`));
  await form.getByLabel('Max turns (1-50)').fill('51');
  await form.getByRole('button', { name: 'Create profile' }).click();
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(name).toBeFocused();
  await expect(form.getByLabel('Max turns (1-50)')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByLabel('Max turns (1-50)')).toHaveAccessibleDescription(/50/);
  expect(await userProfiles()).toEqual(before);

  // Then a good one: a runtime and one of its models, turns, the prompt.
  await name.fill(NAME);
  await form.getByLabel('Description').fill('Short answers from the fast model.');
  await form.getByLabel('Max turns (1-50)').fill('6');
  await form.getByLabel('Runtime').selectOption('simulated');
  await form.getByLabel('Model').selectOption('simulated-fast');
  await form.getByRole('button', { name: 'Create profile' }).click();
  await expect
    .poll(async () => (await userProfiles()).find((p) => p.name === NAME))
    .toMatchObject({
      name: NAME,
      description: 'Short answers from the fast model.',
      systemPrompt: PROMPT,
      maxTurns: 6,
      runtimeId: 'simulated',
      modelId: 'simulated-fast',
    });
  const profile = (await userProfiles()).find((p) => p.name === NAME)!;
  await expect(name).toHaveValue('');
  await expect(name).not.toHaveAttribute('aria-invalid', 'true');

  // Listed among the user's profiles; the prompt is text (its markup shown, never rendered).
  const card = page.getByRole('region', { name: 'My profiles' }).getByRole('article', { name: NAME });
  await expect(card).toContainText('simulated-fast');
  await page.reload(); // (the toasts gone for the screenshot)
  await card.getByText(/^System prompt \(/).click();
  await expect(card.locator('pre')).toHaveText(PROMPT);
  await expect(card.locator('b')).toHaveCount(0);
  await snapshot(page, 'profiles');

  // Edit: the form starts from the stored profile; a save replaces it.
  await card.getByRole('button', { name: `Edit ${NAME}` }).click();
  const edit = page.getByRole('form', { name: `Edit ${NAME}` });
  await expect(edit.getByLabel('Name', { exact: true })).toBeFocused();
  await expect(edit.getByLabel('Model')).toHaveValue('simulated-fast');
  await edit.getByLabel('Max turns (1-50)').fill('5');
  await edit.getByRole('button', { name: 'Save profile' }).click();
  await expect.poll(async () => (await userProfiles()).find((p) => p.id === profile.id)?.maxTurns).toBe(5);
  await expect(card.getByRole('button', { name: `Edit ${NAME}` })).toBeFocused();
  expect((await userProfiles()).find((p) => p.id === profile.id)).toMatchObject({ systemPrompt: PROMPT, modelId: 'simulated-fast' });

  // 3. A workflow on the simulator whose first step takes the profile in the editor.
  const workflowId = await createWorkflow({
    name: 'E2E profile flow',
    steps: [
      { id: 'summarize', name: 'Profiled summary', prompt: 'Summarize the plan for a launch in May.' },
      { id: 'publish', name: 'Profiled announcement', prompt: 'Write the announcement.' },
    ],
  });
  await page.goto(`/workflows/${workflowId}`);
  const select = page.getByLabel('Step 1 profile');
  await expect(select).toHaveValue('');
  await select.selectOption({ label: NAME });
  await expect(select).toHaveAccessibleDescription(/Model\s*simulated-fast/);
  await expect(select).toHaveAccessibleDescription(/Max turns\s*5/);
  await expect(select).toHaveAccessibleDescription(/Answer in three bullet points at most/);
  await expect(page.getByLabel('Step 1 model').locator('option').first()).toHaveText("Profile's: simulated-fast");
  await page.getByLabel('Step 2 profile').selectOption({ label: 'Writer' });
  await page.getByRole('button', { name: 'Save workflow' }).click();
  await expect.poll(() => stepProfiles(workflowId)).toEqual([profile.id, 'writer']);

  // Reload: the profiles are still set; saving after editing another field keeps them.
  await page.reload();
  await expect(page.getByLabel('Step 1 profile')).toHaveValue(profile.id);
  await expect(page.getByLabel('Step 2 profile')).toHaveValue('writer');
  await page.getByLabel('Description').fill('Uses agent profiles.');
  await page.getByLabel('Step 2 prompt').fill('Write the announcement in one paragraph.');
  await page.getByRole('button', { name: 'Save workflow' }).click();
  await expect(page.getByText('Workflow saved.')).toBeVisible();
  expect(await stepProfiles(workflowId)).toEqual([profile.id, 'writer']);
  await page.reload();
  await expect(page.getByLabel('Step 1 profile')).toHaveValue(profile.id);
  await snapshot(page, 'workflow-step-profile');

  // 4. Run it: it completes, and the first step ran on the profile's model.
  await page.getByRole('button', { name: 'Run workflow' }).click();
  await expect(page).toHaveURL(new RegExp(`/workflows/${workflowId}/runs/[^/]+$`));
  await expect.poll(async () => (await latestRun(workflowId))?.status, { timeout: 30_000 }).toBe('COMPLETED');
  await expect(page.getByText('2 of 2 steps completed')).toBeVisible();
  const run = (await latestRun(workflowId))!;
  expect(run.steps.map((s) => [s.stepId, s.status, s.modelId])).toEqual([
    ['summarize', 'COMPLETED', 'simulated-fast'],
    ['publish', 'COMPLETED', 'simulated-smart'],
  ]);

  // 5. Deleting the profile while the step names it: the confirmation shows the refusal, naming the workflow.
  await page.goto('/profiles');
  const stored = page.getByRole('region', { name: 'My profiles' }).getByRole('article', { name: NAME });
  await stored.getByRole('button', { name: `Delete ${NAME}` }).click();
  const confirm = stored.getByRole('group', { name: `Delete the profile ${NAME}? This cannot be undone.` });
  await expect(confirm.getByRole('button', { name: `Delete profile ${NAME} now` })).toBeFocused();
  await confirm.getByRole('button', { name: `Delete profile ${NAME} now` }).click();
  await expect(confirm.getByRole('alert')).toContainText('"E2E profile flow"');
  await confirm.getByRole('button', { name: 'Keep it' }).click();
  await expect(confirm).toHaveCount(0);
  expect((await userProfiles()).some((p) => p.id === profile.id)).toBe(true);
});
