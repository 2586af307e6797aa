import type { RuntimeDescriptor } from '@stagent/engine';
import { builder } from '../builder.js';

const RuntimeModelsRef = builder.objectRef<RuntimeDescriptor['models']>('RuntimeModels').implement({
  description: 'Models a runtime can use.',
  fields: (t) => ({
    default: t.exposeString('default', { description: 'Model used when a step names none.' }),
    supported: t.exposeStringList('supported', { description: 'Every model id a step may name for this runtime.' }),
  }),
});

const RuntimeRef = builder.objectRef<RuntimeDescriptor>('Runtime').implement({
  description: 'An agent runtime from the catalog, with availability checked when asked.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'claude-code | openai-codex-app-server | anthropic-direct | openai-direct | ollama | simulated.' }),
    label: t.exposeString('label', { description: 'Name shown to people.' }),
    provider: t.exposeString('provider', { description: 'Who serves the models, e.g. "anthropic", "openai", "ollama", "stagent" (simulated).' }),
    description: t.exposeString('description', { description: 'What it is good for; the simulated runtime says it is not a model.' }),
    available: t.exposeBoolean('available', { description: 'Whether steps can run on it now.' }),
    unavailableReason: t.exposeString('unavailableReason', { nullable: true, description: 'Why not (no API key, server not running, CLI not installed).' }),
    simulated: t.boolean({ description: 'Whether this is the deterministic offline runtime (no real model).', resolve: (r) => r.id === 'simulated' }),
    models: t.field({ type: RuntimeModelsRef, description: 'Default and supported models.', resolve: (r) => r.models }),
    capabilities: t.exposeStringList('capabilities', { description: 'e.g. streaming, tools, prompt-caching, documents, offline.' }),
  }),
});

builder.queryField('runtimes', (t) =>
  t.field({
    type: [RuntimeRef],
    description: 'The runtime catalog with current availability.',
    resolve: (_root, _args, ctx) => ctx.engine.listRuntimes(),
  }),
);
