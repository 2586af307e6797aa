import {
  BUILT_IN_PROFILES,
  MAX_PROFILE_NAME_LENGTH,
  MAX_PROFILE_SYSTEM_PROMPT_LENGTH,
  type AgentProfileInput,
  type AgentProfileView,
  type ToolGrant,
} from '@stagent/engine';
import { builder } from '../builder.js';
import { limited } from '../input-limits.js';
import { DeletePayloadRef, payload, UserErrorRef, type Payload } from './common.js';
import { ToolGrantInputRef, ToolGrantRef } from './tools.js';

// Agent profiles (issue #15 point 6): named presets that workflow steps reference with profileId.
// Not in the contract drafts; the contract copy carries this section as our own addition.

const builtInIds = BUILT_IN_PROFILES.map((p) => p.id).join(', ');

/** An agent profile, backed by the engine's {@link AgentProfileView}. */
export const AgentProfileRef = builder.objectRef<AgentProfileView>('AgentProfile').implement({
  description:
    "A named preset of system prompt, tool grants, turn limit, runtime and model that workflow steps reference with profileId. A step's own fields override its profile's, and the profile's override the workflow's.",
  fields: (t) => ({
    id: t.exposeID('id', { description: `Profile id: ${builtInIds} for the built-in profiles, a UUID for your own.` }),
    name: t.exposeString('name', { description: `Unique name (without regard to case), 1-${MAX_PROFILE_NAME_LENGTH} characters.` }),
    builtIn: t.exposeBoolean('builtIn', { description: 'Built into Stagent: read-only (updateAgentProfile and deleteAgentProfile answer READ_ONLY).' }),
    description: t.exposeString('description', { nullable: true, description: 'What the profile is for.' }),
    systemPrompt: t.exposeString('systemPrompt', {
      description: `Text added after the system prompt of every step that uses the profile; may be empty. At most ${MAX_PROFILE_SYSTEM_PROMPT_LENGTH.toLocaleString('en-US')} characters.`,
    }),
    tools: t.field({
      type: [ToolGrantRef],
      description:
        "MCP tools a step using the profile may use: read after the step's own grants and before the workflow's; the first grant that matches decides.",
      resolve: (p) => p.tools,
    }),
    maxTurns: t.exposeInt('maxTurns', {
      nullable: true,
      description: 'Model turns (calls) a step may take when it sets none; null = the setting runtime.maxTurns.',
    }),
    runtimeId: t.exposeString('runtimeId', { nullable: true, description: "Runtime for steps without their own; null = the workflow's." }),
    modelId: t.exposeString('modelId', { nullable: true, description: "Model for steps without their own; null = the runtime's default model." }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When the profile was created (a built-in one: when its text last changed).',
      resolve: (p) => p.createdAt,
    }),
    updatedAt: t.field({ type: 'DateTime', description: 'When the profile last changed; steps use it as it is when they run.', resolve: (p) => p.updatedAt }),
  }),
});

const AgentProfileInputRef = builder.inputType('AgentProfileInput', {
  description:
    'An agent profile to create or replace. Omitted fields are empty after a replace. Every bad field is reported at once, and nothing is stored then.',
  fields: (t) => ({
    name: t.string(
      limited('name', {
        required: true,
        description: `Unique name, compared trimmed and without regard to case; the engine takes 1-${MAX_PROFILE_NAME_LENGTH} characters (longer: OUT_OF_RANGE in errors).`,
      }),
    ),
    description: t.string(limited('description', { description: 'What the profile is for.' })),
    systemPrompt: t.string(
      limited('prompt', {
        description: `Text added after each using step's system prompt; the engine takes up to ${MAX_PROFILE_SYSTEM_PROMPT_LENGTH.toLocaleString('en-US')} characters (longer: OUT_OF_RANGE in errors).`,
      }),
    ),
    tools: t.field({
      type: [ToolGrantInputRef],
      description: "MCP tools for the steps using the profile, read after each step's own grants (at most 50); checked exactly like a step's grants.",
    }),
    maxTurns: t.int({ description: 'Model turns (calls) a step may take when it sets none, 1-50.' }),
    runtimeId: t.string(limited('key', { description: 'Runtime for steps without their own (see `runtimes`); an unknown id is NOT_FOUND.' })),
    modelId: t.string(
      limited('key', { description: "Model for steps without their own; one of the runtime's supported models (without a runtime: the default runtime's)." }),
    ),
  }),
});

const AgentProfilePayloadRef = builder.objectRef<Payload<{ agentProfile: AgentProfileView }>>('AgentProfilePayload').implement({
  description: 'Result of an agent profile mutation.',
  fields: (t) => ({
    agentProfile: t.field({
      type: AgentProfileRef,
      nullable: true,
      description: 'The profile after the change; null when `errors` is not empty.',
      resolve: (p) => p.agentProfile ?? null,
    }),
    errors: t.field({ type: [UserErrorRef], description: 'Expected failures; empty on success.', resolve: (p) => p.errors }),
  }),
});

/** The engine's input from the GraphQL input (the shapes match; grants' enums are the engine's values). */
function engineInput(input: typeof AgentProfileInputRef.$inferInput): AgentProfileInput {
  return { ...input, tools: (input.tools as ToolGrant[] | null | undefined) ?? null };
}

builder.queryFields((t) => ({
  agentProfiles: t.field({
    type: [AgentProfileRef],
    description: `Every agent profile: the built-in ones (${builtInIds}) first, then your own by name.`,
    resolve: (_root, _args, ctx) => ctx.engine.listAgentProfiles(),
  }),
  agentProfile: t.field({
    type: AgentProfileRef,
    nullable: true,
    description: 'One agent profile by id; null when it does not exist.',
    args: { id: t.arg.id({ required: true, description: 'Profile id.' }) },
    resolve: (_root, args, ctx) => ctx.engine.getAgentProfile(args.id),
  }),
}));

builder.mutationFields((t) => ({
  createAgentProfile: t.field({
    type: AgentProfilePayloadRef,
    description:
      'Creates an agent profile of your own. Errors per field: INVALID_VALUE, OUT_OF_RANGE, WRONG_TYPE, NOT_FOUND (runtime, model, MCP server or tool), UNAVAILABLE (a server whose tools cannot be listed); CONFLICT on name.',
    args: { input: t.arg({ type: AgentProfileInputRef, required: true, description: 'The profile.' }) },
    resolve: (_root, args, ctx) => payload(async () => ({ agentProfile: await ctx.engine.createAgentProfile(engineInput(args.input)) })),
  }),
  updateAgentProfile: t.field({
    type: AgentProfilePayloadRef,
    description:
      'Replaces a profile of your own; steps that use it take the change from their next run on. Errors: as createAgentProfile; READ_ONLY (a built-in profile) and NOT_FOUND on id; CONFLICT when a workflow step using the profile could no longer run (a model its runtime lacks, an ASK grant on a runtime that cannot wait), naming the steps.',
    args: {
      id: t.arg.id({ required: true, description: 'Profile id.' }),
      input: t.arg({ type: AgentProfileInputRef, required: true, description: 'The new fields.' }),
    },
    resolve: (_root, args, ctx) => payload(async () => ({ agentProfile: await ctx.engine.updateAgentProfile(args.id, engineInput(args.input)) })),
  }),
  deleteAgentProfile: t.field({
    type: DeletePayloadRef,
    description:
      'Deletes a profile of your own. Errors on id: READ_ONLY (a built-in profile), NOT_FOUND, CONFLICT while a workflow step uses it (the message names the workflows).',
    args: { id: t.arg.id({ required: true, description: 'Profile id.' }) },
    resolve: (_root, args, ctx) => payload(async () => ({ deletedId: await ctx.engine.deleteAgentProfile(args.id) })),
  }),
}));
