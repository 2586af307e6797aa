import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, definitionInput, type TestApp } from './harness.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.dispose());

const ERR = 'errors { field message code }';
const SETTINGS = /* GraphQL */ `
  {
    settings {
      key
      value
      isSet
      writable
      secret
      description
      type
      min
      max
      options
    }
  }
`;
const UPDATE_SETTINGS = /* GraphQL */ `mutation ($input: [SettingInput!]!) { updateSettings(input: $input) { settings { key value isSet } ${ERR} } }`;

describe('settings', () => {
  it('lists the registry with writability and never returns secrets', async () => {
    const { settings } = (await t.gql(SETTINGS)).data;
    const byKey = Object.fromEntries(settings.map((s: { key: string }) => [s.key, s]));
    expect(byKey['budget.maxCostPerTaskUsd']).toMatchObject({ writable: true, secret: false, type: 'number', min: 0.5, max: 50 });
    expect(byKey['anthropic.apiKey']).toMatchObject({ secret: true, value: null, isSet: false, writable: true });
    expect(settings.some((s: { writable: boolean }) => !s.writable)).toBe(true);
  });

  it('applies a valid update and stores a secret as isSet only', async () => {
    const res = await t.gql(UPDATE_SETTINGS, {
      input: [
        { key: 'budget.maxCostPerTaskUsd', value: 3 },
        { key: 'anthropic.apiKey', value: 'sk-ant-test-secret' },
      ],
    });
    expect(res.data.updateSettings.errors).toEqual([]);
    const byKey = Object.fromEntries(res.data.updateSettings.settings.map((s: { key: string }) => [s.key, s]));
    expect(byKey['budget.maxCostPerTaskUsd'].value).toBe(3);
    expect(byKey['anthropic.apiKey']).toEqual({ key: 'anthropic.apiKey', value: null, isSet: true });
    expect(JSON.stringify(await t.gql(SETTINGS))).not.toContain('sk-ant-test-secret');
  });

  it('one UserError per bad key or value, and nothing changes', async () => {
    const before = (await t.gql(SETTINGS)).data.settings;
    const res = await t.gql(UPDATE_SETTINGS, {
      input: [
        { key: 'budget.maxCostPerTaskUsd', value: 4 },
        { key: 'budget.maxTokensPerTask', value: 10 },
        { key: 'no.such.key', value: 1 },
        { key: 'routing.preference', value: 'fastest' },
      ],
    });
    const errors = res.data.updateSettings.errors;
    expect(errors.map((e: { field: string[] }) => e.field)).toEqual([
      ['input', '1', 'value'],
      ['input', '2', 'key'],
      ['input', '3', 'value'],
    ]);
    expect(errors.map((e: { code: string }) => e.code)).toEqual(['OUT_OF_RANGE', 'UNKNOWN_KEY', 'INVALID_VALUE']);
    expect((await t.gql(SETTINGS)).data.settings).toEqual(before);
  });

  it('a read-only key is refused with READ_ONLY', async () => {
    const { settings } = (await t.gql(SETTINGS)).data;
    const readOnly = settings.find((s: { writable: boolean }) => !s.writable);
    const res = await t.gql(UPDATE_SETTINGS, { input: [{ key: readOnly.key, value: 'x' }] });
    expect(res.data.updateSettings.errors).toMatchObject([{ code: 'READ_ONLY', field: ['input', '0', 'key'] }]);
  });
});

describe('documents', () => {
  const CREATE = /* GraphQL */ `mutation ($name: String!, $mime: String!, $content: String!) {
    createDocument(name: $name, mimeType: $mime, content: $content) { document { id name mimeType sizeBytes createdAt } ${ERR} } }`;

  it('creates, lists, reads content and deletes', async () => {
    const created = await t.gql(CREATE, { name: 'plan.md', mime: 'text/markdown', content: '# Plan\nRaise 3M USD.' });
    expect(created.data.createDocument.errors).toEqual([]);
    const doc = created.data.createDocument.document;
    expect(doc).toMatchObject({ name: 'plan.md', mimeType: 'text/markdown', sizeBytes: 20 });
    const listed = await t.gql(`{ documents { id name } }`);
    expect(listed.data.documents).toEqual([{ id: doc.id, name: 'plan.md' }]);
    const content = await t.gql(`query ($id: ID!) { document(id: $id) { content } }`, { id: doc.id });
    expect(content.data.document.content).toBe('# Plan\nRaise 3M USD.');
    const deleted = await t.gql(`mutation ($id: ID!) { deleteDocument(id: $id) { deletedId ${ERR} } }`, { id: doc.id });
    expect(deleted.data.deleteDocument).toEqual({ deletedId: doc.id, errors: [] });
    const again = await t.gql(`mutation ($id: ID!) { deleteDocument(id: $id) { deletedId ${ERR} } }`, { id: doc.id });
    expect(again.data.deleteDocument).toEqual({
      deletedId: null,
      errors: [{ code: 'NOT_FOUND', field: ['id'], message: `Document "${doc.id}" does not exist.` }],
    });
  });

  it('rejects an empty name or an unsupported type, storing nothing', async () => {
    const empty = await t.gql(CREATE, { name: '', mime: 'text/plain', content: 'x' });
    expect(empty.data.createDocument).toMatchObject({ document: null, errors: [{ code: 'INVALID_VALUE', field: ['name'] }] });
    expect(empty.data.createDocument.errors).toHaveLength(1);
    expect(empty.data.createDocument.errors[0].message).toMatch(/^Give the document a name/);
    const binary = await t.gql(CREATE, { name: 'a.exe', mime: 'application/x-msdownload', content: 'MZ' });
    expect(binary.data.createDocument.document).toBeNull();
    expect(binary.data.createDocument.errors).toMatchObject([{ code: 'INVALID_VALUE', field: ['mimeType'] }]);
    // The message says what to use instead.
    expect(binary.data.createDocument.errors[0].message).toContain('use one of text/plain, text/markdown, application/json, text/csv');
    expect((await t.gql(`{ documents { id } }`)).data.documents).toEqual([]);
  });
});

describe('schedules', () => {
  const CREATE = /* GraphQL */ `mutation ($name: String!, $expr: String!, $tz: String, $wf: ID) {
    createSchedule(name: $name, prompt: "Summarise the news.", expression: $expr, timezone: $tz, workflowId: $wf) {
      schedule { id name expression cron timezone active nextFireAt failureStreak warnings } ${ERR} } }`;

  it('parses a phrase without saving', async () => {
    // The test clock starts on Monday 2026-01-05 at 08:00 UTC.
    expect(new Date(t.clock.now()).toISOString()).toBe('2026-01-05T08:00:00.000Z');
    const ok = await t.gql(`{ parseSchedule(expression: "every weekday at 9am", timezone: "UTC") { ok cron description nextFireTimes error } }`);
    expect(ok.data.parseSchedule).toEqual({
      ok: true,
      cron: '0 9 * * 1-5',
      description: 'Every weekday at 9:00 AM',
      nextFireTimes: [
        '2026-01-05T09:00:00.000Z',
        '2026-01-06T09:00:00.000Z',
        '2026-01-07T09:00:00.000Z',
        '2026-01-08T09:00:00.000Z',
        '2026-01-09T09:00:00.000Z',
      ],
      error: null,
    });
    const bad = await t.gql(`{ parseSchedule(expression: "whenever the moon is full") { ok cron description nextFireTimes error } }`);
    expect(bad.data.parseSchedule).toMatchObject({ ok: false, cron: null, description: null, nextFireTimes: [] });
    // The error names the word it could not read and shows what it can.
    expect(bad.data.parseSchedule.error).toMatch(/^I did not understand "whenever"\. Write intervals as "every 15 minutes"/);
    expect((await t.gql(`{ schedules { id } }`)).data.schedules).toEqual([]);
  });

  it('creates, pauses, resumes and deletes; bad input is a UserError', async () => {
    const created = await t.gql(CREATE, { name: 'Morning news', expr: 'every day at 8am', tz: 'Europe/Berlin' });
    expect(created.data.createSchedule.errors).toEqual([]);
    const schedule = created.data.createSchedule.schedule;
    expect(schedule).toMatchObject({
      name: 'Morning news',
      expression: 'every day at 8am',
      cron: '0 8 * * *',
      timezone: 'Europe/Berlin',
      active: true,
      failureStreak: 0,
      warnings: [],
    });
    // 08:00 UTC on 2026-01-05 is 09:00 in Berlin: today's 8am has passed, the next is tomorrow's (07:00 UTC).
    expect(schedule.nextFireAt).toBe('2026-01-06T07:00:00.000Z');

    const paused = await t.gql(`mutation ($id: ID!) { setScheduleActive(id: $id, active: false) { schedule { active } ${ERR} } }`, { id: schedule.id });
    expect(paused.data.setScheduleActive).toEqual({ schedule: { active: false }, errors: [] });
    const missing = await t.gql(`mutation { setScheduleActive(id: "nope", active: true) { schedule { id } ${ERR} } }`);
    expect(missing.data.setScheduleActive).toEqual({
      schedule: null,
      errors: [{ code: 'NOT_FOUND', field: ['id'], message: 'Schedule "nope" does not exist.' }],
    });

    const badPhrase = await t.gql(CREATE, { name: 'Bad', expr: 'sometimes maybe' });
    expect(badPhrase.data.createSchedule.schedule).toBeNull();
    expect(badPhrase.data.createSchedule.errors).toMatchObject([{ code: 'INVALID_VALUE', field: ['expression'] }]);
    expect(badPhrase.data.createSchedule.errors[0].message).toMatch(/^I did not understand "sometimes"\./);
    const badWorkflow = await t.gql(CREATE, { name: 'Bad', expr: 'every day at 8am', wf: 'nope' });
    expect(badWorkflow.data.createSchedule).toEqual({
      schedule: null,
      errors: [{ code: 'NOT_FOUND', field: ['workflowId'], message: 'Workflow "nope" does not exist.' }],
    });
    expect((await t.gql(`{ schedules { id } }`)).data.schedules).toHaveLength(1);

    const deleted = await t.gql(`mutation ($id: ID!) { deleteSchedule(id: $id) { deletedId ${ERR} } }`, { id: schedule.id });
    expect(deleted.data.deleteSchedule).toEqual({ deletedId: schedule.id, errors: [] });
    const again = await t.gql(`mutation ($id: ID!) { deleteSchedule(id: $id) { deletedId ${ERR} } }`, { id: schedule.id });
    expect(again.data.deleteSchedule).toEqual({
      deletedId: null,
      errors: [{ code: 'NOT_FOUND', field: ['id'], message: `Schedule "${schedule.id}" does not exist.` }],
    });
  });
});

describe('runtimes, estimates, optimizer, stats', () => {
  it('lists the catalog with the simulated runtime labelled', async () => {
    const res = await t.gql(`{ runtimes { id label provider description available unavailableReason simulated models { default supported } capabilities } }`);
    const simulated = res.data.runtimes.find((r: { id: string }) => r.id === 'simulated');
    expect(simulated).toMatchObject({
      available: true,
      unavailableReason: null,
      simulated: true,
      models: { default: 'simulated-smart', supported: ['simulated-smart', 'simulated-fast'] },
    });
    expect(simulated.capabilities).toContain('simulated');
    expect(res.data.runtimes.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining(['anthropic-direct', 'openai-direct', 'simulated']));
  });

  it('estimates an unsaved definition; an invalid one is BAD_USER_INPUT with issues', async () => {
    const ok = await t.gql(
      `query ($input: WorkflowDefinitionInput!) { estimateWorkflowCost(input: $input) { totalUsd budgetUsd overBudget warnings steps { stepId inputTokens outputTokens estimatedUsd budgetUsd } } }`,
      {
        input: definitionInput(),
      },
    );
    expect(ok.errors).toBeUndefined();
    const estimate = ok.data.estimateWorkflowCost;
    expect(estimate).toMatchObject({ budgetUsd: 1.5, overBudget: false, warnings: [] });
    // Step caps: gather inherits the workflow's $1, write has its own $0.50; write reads gather's output.
    expect(estimate.steps.map((s: { stepId: string; budgetUsd: number }) => [s.stepId, s.budgetUsd])).toEqual([
      ['gather', 1],
      ['write', 0.5],
    ]);
    expect(estimate.steps[1].inputTokens).toBeGreaterThan(estimate.steps[0].inputTokens);
    expect(estimate.totalUsd).toBeCloseTo(estimate.steps[0].estimatedUsd + estimate.steps[1].estimatedUsd, 6);
    expect(estimate.totalUsd).toBeGreaterThan(0);
    const bad = await t.gql(`query ($input: WorkflowDefinitionInput!) { estimateWorkflowCost(input: $input) { totalUsd } }`, {
      input: definitionInput({ steps: [] }),
    });
    expect(bad.data).toBeNull();
    expect(bad.errors?.[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      issues: [{ field: ['steps'], code: 'OUT_OF_RANGE', message: 'A workflow needs at least one step.' }],
    });
  });

  it('optimizes a definition and lists execution stats', async () => {
    const OPTIMIZE = /* GraphQL */ `
      query ($input: WorkflowDefinitionInput!) {
        optimizeWorkflow(input: $input) {
          id
          kind
          title
          description
          action {
            type
            payload
          }
        }
        executionStats {
          pattern
          stepCount
          sampleCount
          successRate
          commonFailures
          runtimeSuccessRates
        }
      }
    `;
    const fits = await t.gql(OPTIMIZE, { input: definitionInput() });
    expect(fits.errors).toBeUndefined();
    expect(fits.data).toEqual({ optimizeWorkflow: [], executionStats: [] });

    // A $0.005 cap on "Gather", below its pre-flight estimate (about $0.012): raise it to 1.5x the estimate.
    const tight = definitionInput({
      steps: [
        { id: 'gather', name: 'Gather', prompt: 'Gather the facts.', budgetUsd: 0.005 },
        { id: 'write', name: 'Write', prompt: 'Write the brief.', budgetUsd: 0.5 },
      ],
    });
    const [suggestion, ...others] = (await t.gql(OPTIMIZE, { input: tight })).data.optimizeWorkflow;
    expect(others).toEqual([]);
    expect(suggestion).toMatchObject({
      kind: 'BUDGET_ESTIMATE',
      title: 'Raise the budget of "Gather" to $0.02',
      action: { type: 'SET_BUDGET', payload: { stepId: 'gather', budgetUsd: 0.02 } },
    });
    expect(suggestion.description).toContain('Its cap is $0.005, below what the step needs');
    expect(suggestion.id).toMatch(/^[0-9a-f]{16}$/);

    // One completed and one failed run of a 2-step SEQUENCE make one stats bucket.
    const created = await t.gql(`mutation ($input: WorkflowDefinitionInput!) { createWorkflow(input: $input) { workflow { id } ${ERR} } }`, {
      input: definitionInput(),
    });
    const workflowId = created.data.createWorkflow.workflow.id;
    await t.engine.waitForRun((await t.engine.executeWorkflow(workflowId)).run.id);
    t.engine.simulated.script({ match: 'Write the brief', script: { failAt: { turn: 1, category: 'RATE_LIMITED', message: '429' } }, times: 1 });
    await t.engine.waitForRun((await t.engine.executeWorkflow(workflowId)).run.id);
    const stats = await t.gql(`{ executionStats { pattern stepCount sampleCount successRate commonFailures runtimeSuccessRates } }`);
    expect(stats.data.executionStats).toEqual([
      { pattern: 'SEQUENCE', stepCount: 2, sampleCount: 2, successRate: 0.5, commonFailures: { RATE_LIMITED: 1 }, runtimeSuccessRates: { simulated: 0.5 } },
    ]);
  });
});
