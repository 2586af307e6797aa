import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEngine, type TestEngine } from '../testing/index.js';
import { SettingSchema } from '../db/entities/setting.entity.js';
import { ValidationError } from '../errors.js';

let t: TestEngine;
beforeAll(async () => {
  t = await createTestEngine();
});
afterAll(() => t.close());

describe('settings', () => {
  it('lists every key with writability, type and range', async () => {
    const list = await t.engine.listSettings();
    const byKey = new Map(list.map((s) => [s.key, s]));
    expect(byKey.get('budget.maxCostPerTaskUsd')).toMatchObject({ writable: true, type: 'number', min: 0.5, max: 50 });
    expect(byKey.get('system.dataDir')).toMatchObject({ writable: false, value: ':memory:' });
    expect(byKey.get('anthropic.apiKey')).toMatchObject({ secret: true, value: null, isSet: false });
  });

  it('an update with any bad key or value changes nothing and reports each problem', async () => {
    await t.engine.updateSettings([{ key: 'runtime.maxTurns', value: 12 }]);
    const error = await t.engine
      .updateSettings([
        { key: 'runtime.maxTurns', value: 20 },
        { key: 'budget.maxCostPerTaskUsd', value: 500 },
        { key: 'system.version', value: '9' },
        { key: 'no.such.key', value: 1 },
        { key: 'routing.preference', value: 'fastest' },
        { key: 'ollama.baseUrl', value: 'not a url' },
      ])
      .catch((e: ValidationError) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => [i.code, i.field])).toEqual([
      ['OUT_OF_RANGE', ['input', '1', 'value']],
      ['READ_ONLY', ['input', '2', 'key']],
      ['UNKNOWN_KEY', ['input', '3', 'key']],
      ['INVALID_VALUE', ['input', '4', 'value']],
      ['INVALID_VALUE', ['input', '5', 'value']],
    ]);
    expect(await t.engine.settings.get('runtime.maxTurns')).toBe(12);
  });

  it('a value of the wrong kind is WRONG_TYPE, a number too large to be finite OUT_OF_RANGE', async () => {
    const before = await t.engine.listSettings();
    const error = await t.engine
      .updateSettings([
        { key: 'budget.maxCostPerTaskUsd', value: '5' },
        { key: 'runtime.maxTurns', value: true },
        { key: 'budget.maxDailyCostUsd', value: Infinity },
        { key: 'ollama.baseUrl', value: 11434 },
        { key: 'routing.preference', value: ['cost'] },
      ])
      .catch((e: ValidationError) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => [i.code, i.field?.join('.'), i.message])).toEqual([
      ['WRONG_TYPE', 'input.0.value', 'budget.maxCostPerTaskUsd must be a number; got a string.'],
      ['WRONG_TYPE', 'input.1.value', 'runtime.maxTurns must be a whole number; got true or false.'],
      ['OUT_OF_RANGE', 'input.2.value', 'budget.maxDailyCostUsd must be between 1 and 500; the number given is too large to represent.'],
      ['WRONG_TYPE', 'input.3.value', 'ollama.baseUrl must be a string; got a number.'],
      ['WRONG_TYPE', 'input.4.value', 'routing.preference must be one of cost, latency, quality, manual; got a list.'],
    ]);
    expect(await t.engine.listSettings()).toEqual(before);
  });

  it('a list setting takes distinct names out of its options only; anything else changes nothing', async () => {
    const before = await t.engine.listSettings();
    for (const [value, code, message] of [
      ['execute_workflow', 'WRONG_TYPE', 'assistant.autoApprove must be a list of names out of'],
      [['execute_workflow', 'list_workflows'], 'INVALID_VALUE', '"list_workflows" is not one.'],
      [['execute_workflow', 'execute_workflow'], 'INVALID_VALUE', 'assistant.autoApprove lists a name twice.'],
    ] as const) {
      const error = await t.engine.updateSettings([{ key: 'assistant.autoApprove', value }]).catch((e: ValidationError) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues[0]).toMatchObject({ code, field: ['input', '0', 'value'] });
      expect((error as ValidationError).issues[0]!.message).toContain(message);
    }
    expect(await t.engine.listSettings()).toEqual(before);
    await t.engine.updateSettings([{ key: 'assistant.autoApprove', value: ['execute_workflow', 'set_settings'] }]);
    expect((await t.engine.listSettings()).find((s) => s.key === 'assistant.autoApprove')!.value).toEqual(['execute_workflow', 'set_settings']);
    await t.engine.updateSettings([{ key: 'assistant.autoApprove', value: null }]);
  });

  it('secrets are write-only and encrypted at rest', async () => {
    const after = await t.engine.updateSettings([{ key: 'openai.apiKey', value: 'sk-test-secret-123' }]);
    expect(after.find((s) => s.key === 'openai.apiKey')).toMatchObject({ isSet: true, value: null });
    const row = await t.engine.resources.orm.em.fork().findOneOrFail(SettingSchema, { key: 'openai.apiKey' });
    expect(row.encrypted).toBe(true);
    expect(row.value).not.toContain('sk-test');
    expect(await t.engine.settings.get('openai.apiKey')).toBe('sk-test-secret-123');
  });
});
