/**
 * The one place where a step and its agent profile merge. A step's own fields override its
 * profile's, and the profile's override the workflow's:
 *
 * - runtime: step, then profile, then workflow, then setting `routing.defaultRuntime`;
 * - model: step, then profile, then the runtime's default;
 * - turn limit: step, then profile, then setting `runtime.maxTurns`;
 * - tool grants: the step's, then the profile's, then the workflow's; the first grant that
 *   matches a tool decides;
 * - system prompt: the profile's text is added to the step's system prompt.
 *
 * Runs (`workflows/run-context.ts`), estimates (`facade/run-control.ts` over
 * `workflows/cost-estimate.ts`) and validation (`workflows/validation.ts`) all read steps through
 * here. Stored definitions keep only `profileId`; the merge happens when a step is read.
 */
import type { StepDefinition, WorkflowDefinition } from '../workflows/definition.js';
import type { ToolGrant } from '../tools/tool-grants.js';
import type { AgentProfileView } from './agent-profile.js';

/** What a step takes from its profile. */
export type ProfilePresets = Pick<AgentProfileView, 'id' | 'name' | 'systemPrompt' | 'tools' | 'maxTurns' | 'runtimeId' | 'modelId'>;

/** The fields a profile can fill. */
type PresetFields = Pick<StepDefinition, 'runtimeId' | 'modelId' | 'maxTurns'>;

/**
 * A step with its profile's runtime, model and turn limit filled in where it has none, and the
 * profile itself for its system prompt and grants. `tools` stays the step's own grants.
 */
export interface EffectiveStep extends StepDefinition {
  profile: ProfilePresets | null;
}

/** A definition whose steps are {@link EffectiveStep}s: what runs and estimates work on (never stored). */
export interface EffectiveDefinition extends WorkflowDefinition {
  steps: EffectiveStep[];
}

/** `step` with `profile`'s presets where the step leaves them empty (null: no profile, the step as it is). */
export function effectiveStep<S extends Partial<PresetFields>>(step: S, profile: ProfilePresets | null): S & PresetFields & { profile: ProfilePresets | null } {
  return {
    ...step,
    runtimeId: step.runtimeId ?? profile?.runtimeId ?? null,
    modelId: step.modelId ?? profile?.modelId ?? null,
    maxTurns: step.maxTurns ?? profile?.maxTurns ?? null,
    profile,
  };
}

/**
 * `definition` with every step merged with its profile from `profiles`. A step naming a profile
 * that is not there runs on its own fields: deleting a profile that a step names is refused, so
 * that happens only to a definition stored by other means.
 */
export function withProfiles(definition: WorkflowDefinition, profiles: ReadonlyMap<string, ProfilePresets>): EffectiveDefinition {
  return { ...definition, steps: definition.steps.map((s) => effectiveStep(s, (s.profileId && profiles.get(s.profileId)) || null)) };
}

/** The profile ids the steps of `definitions` name, each once. */
export function profileIdsOf(definitions: readonly Pick<WorkflowDefinition, 'steps'>[]): string[] {
  return [...new Set(definitions.flatMap((d) => d.steps.flatMap((s) => (s.profileId ? [s.profileId] : []))))];
}

/** The grant lists of a step in the order they are read: the step's, its profile's, the workflow's. */
export function grantLayers(step: EffectiveStep, definition: Pick<WorkflowDefinition, 'tools'>): (readonly ToolGrant[] | undefined)[] {
  return [step.tools, step.profile?.tools, definition.tools];
}
