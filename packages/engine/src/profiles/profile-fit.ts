import { ConflictError } from '../errors.js';
import type { RuntimeCatalog } from '../runtimes/catalog.js';
import { RUNTIMES_WITHOUT_APPROVALS } from '../tools/tool-grants.js';
import type { WorkflowDefinition } from '../workflows/definition.js';
import { effectiveStep, type ProfilePresets } from './effective-step.js';

/** A stored workflow whose steps name a profile. */
export interface NamingWorkflow {
  id: string;
  name: string;
  definition: WorkflowDefinition;
}

/** What the fit check looks up. */
export interface FitLookups {
  catalog: RuntimeCatalog;
  defaultRuntimeId(): Promise<string | null>;
}

/** One step that would not run with a profile: where the profile's input is at fault, and why. */
interface Misfit {
  key: string;
  field: 'runtimeId' | 'modelId' | 'tools';
  text: string;
}

/**
 * Why changing profile `profileId` to `next` would leave steps of stored workflows unable to run:
 * a model their runtime does not have (each merged as it runs: step > profile > workflow > default
 * runtime), or ASK grants on a runtime that cannot wait for an approval. Only problems the change
 * brings are reported (those that `current` has too are not this change's doing), one
 * CONFLICT per field of the profile input, naming the workflows and steps.
 */
export async function misfitsOfChange(
  workflows: readonly NamingWorkflow[],
  profileId: string,
  current: ProfilePresets,
  next: ProfilePresets,
  lookups: FitLookups,
): Promise<ConflictError[]> {
  const before = new Set((await misfits(workflows, profileId, current, lookups)).map((m) => m.key));
  const found = (await misfits(workflows, profileId, next, lookups)).filter((m) => !before.has(m.key));
  const byField = new Map<Misfit['field'], string[]>();
  for (const m of found) byField.set(m.field, [...(byField.get(m.field) ?? []), m.text]);
  return [...byField].map(
    ([field, texts]) => new ConflictError(`With this change ${texts.join('; ')}. Change those steps first, or keep the profile's ${field}.`, [field]),
  );
}

async function misfits(workflows: readonly NamingWorkflow[], profileId: string, profile: ProfilePresets, lookups: FitLookups): Promise<Misfit[]> {
  const out: Misfit[] = [];
  const defaultRuntime = await lookups.defaultRuntimeId();
  const asks = profile.tools.some((g) => g.approval === 'ASK');
  for (const wf of workflows)
    for (const step of wf.definition.steps) {
      if (step.profileId !== profileId) continue;
      const merged = effectiveStep(step, profile);
      const runtime = merged.runtimeId ?? wf.definition.runtimeId ?? defaultRuntime;
      if (!runtime || !lookups.catalog.has(runtime)) continue;
      const where = `step "${step.name}" of workflow "${wf.name}"`;
      if (merged.modelId) {
        const supported = (await lookups.catalog.describe(runtime)).models.supported;
        if (!supported.includes(merged.modelId))
          out.push({
            key: `${wf.id}\u0000${step.id}\u0000model`,
            field: step.modelId ? 'runtimeId' : 'modelId',
            text: `${where} would run model "${merged.modelId}" on ${runtime}, which does not have it`,
          });
      }
      if (asks && RUNTIMES_WITHOUT_APPROVALS.includes(runtime))
        out.push({
          key: `${wf.id}\u0000${step.id}\u0000ask`,
          field: 'tools',
          text: `${where} runs on ${runtime}, which cannot pause a step for the profile's ASK grants`,
        });
    }
  return out;
}

/** The parts of the workflows naming a profile that the fit check read: equal text, equal verdict. */
export function namingFingerprint(workflows: readonly NamingWorkflow[], profileId: string): string {
  return JSON.stringify(
    [...workflows]
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((w) => [
        w.id,
        w.definition.runtimeId ?? null,
        w.definition.steps.filter((s) => s.profileId === profileId).map((s) => [s.id, s.runtimeId, s.modelId]),
      ]),
  );
}
