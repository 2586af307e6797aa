import type { SettingView } from '@stagent/engine';
import { builder } from '../builder.js';
import { limited } from '../input-limits.js';
import { payload, UserErrorRef, type Payload } from './common.js';

const SettingRef = builder.objectRef<SettingView>('Setting').implement({
  description: 'A setting from the registry, with its constraints and whether it can be changed.',
  fields: (t) => ({
    key: t.exposeString('key', { description: 'Registry key, e.g. "budget.maxCostPerTaskUsd".' }),
    value: t.field({
      type: 'JSON',
      nullable: true,
      description: 'Effective value (stored, else default); always null for secret settings.',
      resolve: (s) => (s.secret ? null : (s.value ?? null)),
    }),
    isSet: t.exposeBoolean('isSet', { description: 'Whether a value is stored or defaulted (for secrets: whether one is stored).' }),
    writable: t.exposeBoolean('writable', { description: 'Whether updateSettings may change it (read-only keys describe the installation).' }),
    secret: t.exposeBoolean('secret', { description: 'Write-only: encrypted at rest and never returned.' }),
    description: t.exposeString('description', { description: 'What it controls, with units.' }),
    type: t.exposeString('type', {
      description: '"number" | "integer" | "string" | "boolean" | "enum" | "list" (a JSON array of distinct strings out of options).',
    }),
    min: t.exposeFloat('min', { nullable: true, description: 'Smallest allowed value (numbers), in the unit of the key.' }),
    max: t.exposeFloat('max', { nullable: true, description: 'Largest allowed value (numbers), in the unit of the key.' }),
    options: t.exposeStringList('options', { nullable: true, description: 'Allowed values (enums), or the names a list may hold (lists).' }),
  }),
});

const SettingInputRef = builder.inputType('SettingInput', {
  description: 'One setting change.',
  fields: (t) => ({
    key: t.string(limited('key', { required: true, description: 'Registry key.' })),
    value: t.field(
      limited('setting', {
        type: 'JSON',
        description: 'New value; null resets the key to its default (or unsets a secret). Text counts as is, other JSON serialized.',
      }),
    ),
  }),
});

const UpdateSettingsPayloadRef = builder.objectRef<Payload<{ settings: SettingView[] }>>('UpdateSettingsPayload').implement({
  description: 'Result of updateSettings: all changes applied, or none.',
  fields: (t) => ({
    settings: t.field({
      type: [SettingRef],
      description: 'Every setting after the update (unchanged when `errors` is not empty).',
      resolve: (p) => p.settings ?? [],
    }),
    errors: t.field({
      type: [UserErrorRef],
      description: 'One error per bad key or value (field ["input", index, "key" | "value"]); empty on success.',
      resolve: (p) => p.errors,
    }),
  }),
});

builder.queryField('settings', (t) =>
  t.field({
    type: [SettingRef],
    description: 'Every registered setting; secrets show isSet only.',
    resolve: (_root, _args, ctx) => ctx.engine.listSettings(),
  }),
);

builder.mutationField('updateSettings', (t) =>
  t.field({
    type: UpdateSettingsPayloadRef,
    description: 'Applies every change or none. Errors per key: UNKNOWN_KEY, READ_ONLY, WRONG_TYPE (e.g. a string for a number), OUT_OF_RANGE, INVALID_VALUE.',
    args: { input: t.arg({ type: [SettingInputRef], required: true, description: 'The changes.' }) },
    resolve: async (_root, args, ctx) => {
      const result = await payload(async () => ({
        settings: await ctx.engine.updateSettings(args.input.map((c) => ({ key: c.key, value: c.value ?? null }))),
      }));
      return result.errors.length ? { ...result, settings: await ctx.engine.listSettings() } : result;
    },
  }),
);
