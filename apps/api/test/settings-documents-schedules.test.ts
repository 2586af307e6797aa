import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, definitionInput, type TestApp } from './harness.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.dispose());

const ERR = 'errors { field message code }';
const SETTINGS = /* GraphQL */ `{ settings { key value isSet writable secret description type min max options } }`;
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
    expect(again.data.deleteDocument.errors).toMatchObject([{ code: 'NOT_FOUND' }]);
  });

  it('rejects an empty name or an unsupported type, storing nothing', async () => {
    const empty = await t.gql(CREATE, { name: '', mime: 'text/plain', content: 'x' });
    expect(empty.data.createDocument.document).toBeNull();
    expect(empty.data.createDocument.errors.length).toBeGreaterThan(0);
    const binary = await t.gql(CREATE, { name: 'a.exe', mime: 'application/x-msdownload', content: 'MZ' });
    expect(binary.data.createDocument.errors.length).toBeGreaterThan(0);
    expect((await t.gql(`{ documents { id } }`)).data.documents).toEqual([]);
  });
});

describe('schedules', () => {
  const CREATE = /* GraphQL */ `mutation ($name: String!, $expr: String!, $tz: String, $wf: ID) {
    createSchedule(name: $name, prompt: "Summarise the news.", expression: $expr, timezone: $tz, workflowId: $wf) {
      schedule { id name expression cron timezone active nextFireAt failureStreak warnings } ${ERR} } }`;

  it('parses a phrase without saving', async () => {
    const ok = await t.gql(`{ parseSchedule(expression: "every weekday at 9am", timezone: "UTC") { ok cron description nextFireTimes error } }`);
    expect(ok.data.parseSchedule).toMatchObject({ ok: true, error: null });
    expect(ok.data.parseSchedule.cron).toBeTruthy();
    expect(ok.data.parseSchedule.nextFireTimes.length).toBeGreaterThan(0);
    const bad = await t.gql(`{ parseSchedule(expression: "whenever the moon is full") { ok cron error } }`);
    expect(bad.data.parseSchedule).toMatchObject({ ok: false, cron: null });
    expect(bad.data.parseSchedule.error).toBeTruthy();
    expect((await t.gql(`{ schedules { id } }`)).data.schedules).toEqual([]);
  });

  it('creates, pauses, resumes and deletes; bad input is a UserError', async () => {
    const created = await t.gql(CREATE, { name: 'Morning news', expr: 'every day at 8am', tz: 'Europe/Berlin' });
    expect(created.data.createSchedule.errors).toEqual([]);
    const schedule = created.data.createSchedule.schedule;
    expect(schedule).toMatchObject({ name: 'Morning news', timezone: 'Europe/Berlin', active: true, failureStreak: 0 });
    expect(schedule.nextFireAt).toBeTruthy();

    const paused = await t.gql(`mutation ($id: ID!) { setScheduleActive(id: $id, active: false) { schedule { active } ${ERR} } }`, { id: schedule.id });
    expect(paused.data.setScheduleActive).toEqual({ schedule: { active: false }, errors: [] });
    const missing = await t.gql(`mutation { setScheduleActive(id: "nope", active: true) { schedule { id } ${ERR} } }`);
    expect(missing.data.setScheduleActive.errors).toMatchObject([{ code: 'NOT_FOUND' }]);

    const badPhrase = await t.gql(CREATE, { name: 'Bad', expr: 'sometimes maybe' });
    expect(badPhrase.data.createSchedule.schedule).toBeNull();
    expect(badPhrase.data.createSchedule.errors[0].field).toEqual(['expression']);
    const badWorkflow = await t.gql(CREATE, { name: 'Bad', expr: 'every day at 8am', wf: 'nope' });
    expect(badWorkflow.data.createSchedule.errors).toMatchObject([{ code: 'NOT_FOUND' }]);
    expect((await t.gql(`{ schedules { id } }`)).data.schedules).toHaveLength(1);

    const deleted = await t.gql(`mutation ($id: ID!) { deleteSchedule(id: $id) { deletedId ${ERR} } }`, { id: schedule.id });
    expect(deleted.data.deleteSchedule).toEqual({ deletedId: schedule.id, errors: [] });
    const again = await t.gql(`mutation ($id: ID!) { deleteSchedule(id: $id) { deletedId ${ERR} } }`, { id: schedule.id });
    expect(again.data.deleteSchedule.errors).toMatchObject([{ code: 'NOT_FOUND' }]);
  });
});

describe('runtimes, estimates, optimizer, stats', () => {
  it('lists the catalog with the simulated runtime labelled', async () => {
    const res = await t.gql(`{ runtimes { id label provider description available unavailableReason simulated models { default supported } capabilities } }`);
    const simulated = res.data.runtimes.find((r: { id: string }) => r.id === 'simulated');
    expect(simulated).toMatchObject({ available: true, simulated: true });
    expect(res.data.runtimes.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining(['anthropic-direct', 'openai-direct', 'simulated']));
  });

  it('estimates an unsaved definition; an invalid one is BAD_USER_INPUT with issues', async () => {
    const ok = await t.gql(`query ($input: WorkflowDefinitionInput!) { estimateWorkflowCost(input: $input) { totalUsd budgetUsd overBudget warnings steps { stepId inputTokens outputTokens estimatedUsd budgetUsd } } }`, {
      input: definitionInput(),
    });
    expect(ok.errors).toBeUndefined();
    expect(ok.data.estimateWorkflowCost.steps).toHaveLength(2);
    expect(ok.data.estimateWorkflowCost.budgetUsd).toBeCloseTo(1.5);
    const bad = await t.gql(`query ($input: WorkflowDefinitionInput!) { estimateWorkflowCost(input: $input) { totalUsd } }`, {
      input: definitionInput({ steps: [] }),
    });
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ field: ['steps'] }] });
  });

  it('optimizes a definition and lists execution stats', async () => {
    const res = await t.gql(`query ($input: WorkflowDefinitionInput!) { optimizeWorkflow(input: $input) { id kind title description action { type payload } }
      executionStats { pattern stepCount sampleCount successRate commonFailures runtimeSuccessRates } }`, { input: definitionInput() });
    expect(res.errors).toBeUndefined();
    expect(Array.isArray(res.data.optimizeWorkflow)).toBe(true);
    expect(Array.isArray(res.data.executionStats)).toBe(true);
  });
});
