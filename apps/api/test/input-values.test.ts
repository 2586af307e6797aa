import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './harness.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.dispose());

const ERRORS = 'errors { field message code }';
const SETTINGS = /* GraphQL */ `{ settings { key value isSet } }`;

describe('updateSettings: the kind of a value before its range', () => {
  it('a string for a number setting is WRONG_TYPE, saying what was expected; nothing changes', async () => {
    const before = (await t.gql(SETTINGS)).data.settings;
    const res = await t.gql(/* GraphQL */ `mutation ($input: [SettingInput!]!) { updateSettings(input: $input) { ${ERRORS} } }`, {
      input: [
        { key: 'budget.maxCostPerTaskUsd', value: '5' },
        { key: 'runtime.maxTurns', value: 12 },
        { key: 'ollama.baseUrl', value: 11434 },
      ],
    });
    expect(res.data.updateSettings.errors).toEqual([
      { field: ['input', '0', 'value'], code: 'WRONG_TYPE', message: 'budget.maxCostPerTaskUsd must be a number; got a string.' },
      { field: ['input', '2', 'value'], code: 'WRONG_TYPE', message: 'ollama.baseUrl must be a string; got a number.' },
    ]);
    expect((await t.gql(SETTINGS)).data.settings).toEqual(before);
  });

  it('1e309 written as a literal is OUT_OF_RANGE: too large to represent', async () => {
    const res = await t.gql(/* GraphQL */ `mutation { updateSettings(input: [{ key: "budget.maxDailyCostUsd", value: 1e309 }]) { ${ERRORS} } }`);
    expect(res.data.updateSettings.errors).toEqual([
      { field: ['input', '0', 'value'], code: 'OUT_OF_RANGE', message: 'budget.maxDailyCostUsd must be between 1 and 500; the number given is too large to represent.' },
    ]);
  });

  it('a number out of range stays OUT_OF_RANGE', async () => {
    const res = await t.gql(/* GraphQL */ `mutation { updateSettings(input: [{ key: "budget.maxCostPerTaskUsd", value: 500 }]) { ${ERRORS} } }`);
    expect(res.data.updateSettings.errors).toMatchObject([{ field: ['input', '0', 'value'], code: 'OUT_OF_RANGE' }]);
  });
});
