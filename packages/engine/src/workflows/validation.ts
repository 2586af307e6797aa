import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { ErrorCode, StagentError, ValidationError } from '../errors.js';
import type { RuntimeCatalog } from '../runtimes/catalog.js';
import type { PatternConfig, StepDefinition, WorkflowDefinition, WorkflowDefinitionInput, WorkflowPattern } from './definition.js';
import { configSchemaByPattern, definitionInputSchema, stepInputSchema } from './definition-schema.js';
import { issueToError, parseFields } from './field-parse.js';
import { checkGrantReferences, type McpToolLookup } from '../tools/grant-references.js';
import { RUNTIMES_WITHOUT_APPROVALS, type ToolGrant } from '../tools/tool-grants.js';
import type { AgentProfileLookup, AgentProfileView } from '../profiles/agent-profile.js';
import { BUILT_IN_PROFILES } from '../profiles/built-in-profiles.js';
import { effectiveStep } from '../profiles/effective-step.js';
import { fitsPattern } from './pattern-shape.js';

/** A validated definition and the document bindings it declares. */
export interface ValidatedWorkflow {
  definition: WorkflowDefinition;
  bindings: { documentId: string; stepId: string | null }[];
  /** The agent profiles its steps name, as validation read them (a save confirms them in its transaction). */
  profiles: ReadonlyMap<string, AgentProfileView>;
}

/** What validation needs to look up: the runtime catalog and which document ids exist. */
export interface ValidationLookups {
  catalog: RuntimeCatalog;
  existingDocumentIds(ids: string[]): Promise<Set<string>>;
  /** The runtime a step without runtime ids would use (for checking a model id). */
  defaultRuntimeId(): Promise<string | null>;
  /** The registered MCP servers and their tools, for checking tool grants. */
  mcpTools: McpToolLookup;
  /** Agent profiles by id (built-in ones included), for steps' `profileId`. */
  profiles: AgentProfileLookup;
}

/**
 * Validates a submitted definition completely and reports every problem at once, each with
 * its field path (e.g. `['steps', '1', 'budgetUsd']`): shape problems (a negative budget), the
 * pattern's structure and references (runtime, model and document ids) in one pass, so a bad
 * field never hides the problems of the others. Throws {@link ValidationError} with the
 * problems found after any `known` ones the caller found itself. Step ids are generated where
 * absent and kept where given.
 */
export async function validateDefinition(
  input: WorkflowDefinitionInput,
  lookups: ValidationLookups,
  known: readonly StagentError[] = [],
): Promise<ValidatedWorkflow> {
  const issues: StagentError[] = [...known];
  const add: Add = (message, field, code = ErrorCode.INVALID_DEFINITION) => issues.push(new StagentError(code, message, { field }));
  const data = parseFields(definitionInputSchema, input, [], issues) ?? {};
  // Each step is parsed on its own, even when the list as a whole is refused (too long).
  const rawSteps: unknown[] = Array.isArray((input as { steps?: unknown } | null)?.steps) ? input.steps : [];
  const stepInputs = rawSteps.map((raw, i) => parseFields(stepInputSchema, raw, ['steps', i], issues) ?? {});
  const steps = stepInputs.map(toStepDefinition);
  const seen = new Map<string, number>();
  steps.forEach((s, i) => {
    if (seen.has(s.id)) add(`Step id "${s.id}" is used by steps ${seen.get(s.id)! + 1} and ${i + 1}; ids must be unique.`, ['steps', i, 'id']);
    seen.set(s.id, i);
  });

  // The pattern decides which options and how many steps are valid; without one neither can be judged.
  const pattern = data.pattern as WorkflowPattern | undefined;
  const config = pattern ? validateConfig(pattern, data.config, steps, add) : {};
  if (pattern && data.steps) checkStructure(pattern, steps, config, add);
  steps.forEach((s, i) => {
    const isDelay = Boolean(config.delays?.[s.id]);
    if ('prompt' in stepInputs[i]! && !isDelay && !s.prompt.trim()) add('Write a prompt for this step.', ['steps', i, 'prompt']);
  });
  const profiles = await namedProfiles(stepInputs, lookups.profiles, add);
  await checkReferences(data, stepInputs, profiles, lookups, add);
  await checkApprovalsOnRuntimes(data, stepInputs, profiles, lookups, add);
  await checkGrantReferences(
    [
      { grants: (data.tools ?? []) as ToolGrant[], field: ['tools'] },
      ...stepInputs.map((s, i) => ({ grants: (s.tools ?? []) as ToolGrant[], field: ['steps', i, 'tools'] })),
    ],
    lookups.mcpTools,
    add,
  );
  if (issues.length) throw new ValidationError(issues);

  const bindings: ValidatedWorkflow['bindings'] = [];
  for (const documentId of dedupe(data.documentIds ?? [])) bindings.push({ documentId, stepId: null });
  stepInputs.forEach((s, i) => {
    for (const documentId of dedupe(s.documentIds ?? [])) bindings.push({ documentId, stepId: steps[i]!.id });
  });
  return {
    definition: {
      name: data.name!,
      description: data.description ?? null,
      pattern: pattern!,
      runtimeId: data.runtimeId ?? null,
      budgetUsd: data.budgetUsd ?? null,
      steps,
      config,
      ...(data.tools?.length ? { tools: data.tools as ToolGrant[] } : {}),
    },
    bindings,
    profiles,
  };
}

type StepInput = Partial<z.output<typeof stepInputSchema>>;
type DefinitionFields = Partial<z.output<typeof definitionInputSchema>>;

/** A step as it would be stored; fields that did not parse are empty (the definition is refused then anyway). */
function toStepDefinition(s: StepInput): StepDefinition {
  return {
    id: s.id ?? `step-${randomUUID().slice(0, 8)}`,
    name: s.name ?? '',
    prompt: s.prompt ?? '',
    runtimeId: s.runtimeId ?? null,
    modelId: s.modelId ?? null,
    budgetUsd: s.budgetUsd ?? null,
    maxTurns: s.maxTurns ?? null,
    // Stored only when set, so definitions without tools or a profile keep their stored form (and hashes).
    ...(s.tools?.length ? { tools: s.tools as ToolGrant[] } : {}),
    ...(s.profileId ? { profileId: s.profileId } : {}),
    ...(s.workingDirectory ? { workingDirectory: s.workingDirectory } : {}),
  };
}

type Add = (message: string, field: (string | number)[], code?: ErrorCode) => void;

function validateConfig(pattern: WorkflowPattern, raw: unknown, steps: StepDefinition[], add: Add): PatternConfig {
  const schema = configSchemaByPattern[pattern];
  const value = raw === undefined || raw === null ? (pattern === 'LOOP' ? undefined : {}) : raw;
  if (value === undefined) {
    add('A LOOP workflow needs config.maxIterations (1-100).', ['config', 'maxIterations']);
    return {};
  }
  const result = (schema as z.ZodType).safeParse(value);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const error = issueToError(issue, ['config'], value);
      const unknownKeys =
        issue.code === 'unrecognized_keys'
          ? ` (${(issue as { keys: string[] }).keys.join(', ')} ${pattern === 'SEQUENCE' ? 'is' : 'does'} not apply to ${pattern})`
          : '';
      add(`${error.message}${unknownKeys}`, error.field!, error.code);
    }
    return {};
  }
  const config = result.data as PatternConfig;
  const ids = new Set(steps.map((s) => s.id));
  for (const id of config.checkpoints ?? []) if (!ids.has(id)) add(`Checkpoint "${id}" names no step of this workflow.`, ['config', 'checkpoints']);
  for (const id of Object.keys(config.delays ?? {})) if (!ids.has(id)) add(`Delay "${id}" names no step of this workflow.`, ['config', 'delays', id]);
  return config;
}

function checkStructure(pattern: WorkflowPattern, steps: StepDefinition[], config: PatternConfig, add: Add): void {
  const n = steps.length;
  switch (pattern) {
    case 'PARALLEL':
      if (!fitsPattern(pattern, n)) add(`PARALLEL needs 2-5 branch steps followed by one synthesis step (3-6 steps); got ${n}.`, ['steps']);
      break;
    case 'SWARM':
      if (!fitsPattern(pattern, n)) add(`SWARM needs a planner, 2-5 workers and a refinery (4-7 steps); got ${n}.`, ['steps']);
      else if (config.concurrency !== undefined && config.concurrency > n - 2)
        add(`concurrency must be between 1 and the number of workers (${n - 2}).`, ['config', 'concurrency']);
      break;
    case 'PLANNER_EXECUTOR':
      if (!fitsPattern(pattern, n)) add('PLANNER_EXECUTOR needs a planner step and at least one executor step.', ['steps']);
      break;
    case 'LOOP':
      if (!fitsPattern(pattern, n)) add(`LOOP repeats exactly one step (its prompt is the iteration template); got ${n}.`, ['steps']);
      break;
    case 'SEQUENCE':
    case 'CHECKPOINT':
      steps.forEach((s, i) => {
        if (config.delays?.[s.id] && config.checkpoints?.includes(s.id)) add('A delay step cannot also be a checkpoint.', ['config', 'checkpoints']);
        if (config.delays?.[s.id] && i === n - 1)
          add('A delay as the last step would only postpone the end of the run; remove it.', ['config', 'delays', s.id]);
      });
      break;
  }
}

/** The agent profiles the steps name; each unknown id is NOT_FOUND on its step. */
async function namedProfiles(stepInputs: StepInput[], lookup: AgentProfileLookup, add: Add): Promise<Map<string, AgentProfileView>> {
  const ids = [...new Set(stepInputs.flatMap((s) => (s.profileId ? [s.profileId] : [])))];
  if (ids.length === 0) return new Map();
  const found = await lookup.profiles(ids);
  const builtIn = BUILT_IN_PROFILES.map((p) => p.id).join(', ');
  stepInputs.forEach((s, i) => {
    if (s.profileId && !found.has(s.profileId))
      add(
        `No agent profile has the id "${s.profileId}". Choose one from agentProfiles (built in: ${builtIn}).`,
        ['steps', i, 'profileId'],
        ErrorCode.NOT_FOUND,
      );
  });
  return found;
}

async function checkReferences(
  data: DefinitionFields,
  stepInputs: StepInput[],
  profiles: ReadonlyMap<string, AgentProfileView>,
  lookups: ValidationLookups,
  add: Add,
): Promise<void> {
  const known = new Set(lookups.catalog.ids());
  const unknownRuntime = (id: string) => `Unknown runtime "${id}". Known runtimes: ${[...known].join(', ')}.`;
  if (data.runtimeId && !known.has(data.runtimeId)) add(unknownRuntime(data.runtimeId), ['runtimeId'], ErrorCode.NOT_FOUND);
  // A step's model (else its profile's) is checked against its runtime (else its profile's, else the
  // workflow's, else the default one); not at all when that runtime is itself unknown or malformed.
  const workflowRuntimeUsable = 'runtimeId' in data && (!data.runtimeId || known.has(data.runtimeId));
  const fallback = workflowRuntimeUsable ? (data.runtimeId ?? (await lookups.defaultRuntimeId())) : null;
  for (const [i, s] of stepInputs.entries()) {
    if (s.runtimeId && !known.has(s.runtimeId)) {
      add(unknownRuntime(s.runtimeId), ['steps', i, 'runtimeId'], ErrorCode.NOT_FOUND);
      continue;
    }
    if (!('modelId' in s)) continue;
    const profile = (s.profileId && profiles.get(s.profileId)) || null;
    const step = effectiveStep(s, profile);
    const runtime = 'runtimeId' in s ? (step.runtimeId ?? fallback) : null;
    if (!step.modelId || !runtime || !known.has(runtime)) continue;
    const d = await lookups.catalog.describe(runtime);
    if (d.models.supported.includes(step.modelId)) continue;
    const supported = `Supported: ${d.models.supported.join(', ')}.`;
    if (s.modelId) add(`Runtime ${runtime} has no model "${s.modelId}". ${supported}`, ['steps', i, 'modelId'], ErrorCode.NOT_FOUND);
    else
      add(
        `Profile "${profile!.name}" chooses model "${step.modelId}", which runtime ${runtime} (this step's) does not have. ${supported} Set this step's model, or its runtime.`,
        ['steps', i, 'profileId'],
        ErrorCode.NOT_FOUND,
      );
  }
  const wanted = [...(data.documentIds ?? []), ...stepInputs.flatMap((s) => s.documentIds ?? [])];
  if (wanted.length === 0) return;
  const existing = await lookups.existingDocumentIds(dedupe(wanted));
  (data.documentIds ?? []).forEach((id, j) => {
    if (!existing.has(id)) add(`Document "${id}" does not exist.`, ['documentIds', j], ErrorCode.NOT_FOUND);
  });
  stepInputs.forEach((s, i) =>
    (s.documentIds ?? []).forEach((id, j) => {
      if (!existing.has(id)) add(`Document "${id}" does not exist.`, ['steps', i, 'documentIds', j], ErrorCode.NOT_FOUND);
    }),
  );
}

/**
 * ASK grants on a step whose runtime cannot wait for a person (claude-code's CLI owns its loop:
 * a step cannot stop mid-turn without holding the process) are refused where they are written,
 * rather than turning into refusals at run time.
 */
async function checkApprovalsOnRuntimes(
  data: DefinitionFields,
  stepInputs: StepInput[],
  profiles: ReadonlyMap<string, AgentProfileView>,
  lookups: ValidationLookups,
  add: Add,
): Promise<void> {
  const workflowRuntime = data.runtimeId ?? (await lookups.defaultRuntimeId());
  const workflowAsks = (data.tools ?? []).flatMap((g, j) => (g.approval === 'ASK' ? [j] : []));
  const reported = new Set<number>();
  for (const [i, s] of stepInputs.entries()) {
    const profile = (s.profileId && profiles.get(s.profileId)) || null;
    const runtime = effectiveStep(s, profile).runtimeId ?? workflowRuntime;
    if (!runtime || !RUNTIMES_WITHOUT_APPROVALS.includes(runtime)) continue;
    const why = `runs on ${runtime}, which cannot pause a step to wait for an approval; use AUTO or DENY, or another runtime for this step.`;
    if (profile?.tools.some((g) => g.approval === 'ASK'))
      add(`Profile "${profile.name}" has grants that ask for approval, but step "${s.name ?? s.id ?? i + 1}" ${why}`, ['steps', i, 'profileId']);
    (s.tools ?? []).forEach((g, j) => {
      if (g.approval === 'ASK') add(`This grant asks for approval, but step "${s.name ?? s.id ?? i + 1}" ${why}`, ['steps', i, 'tools', j, 'approval']);
    });
    for (const j of workflowAsks) {
      if (reported.has(j)) continue;
      reported.add(j);
      add(`This grant asks for approval, but step "${s.name ?? s.id ?? i + 1}" ${why}`, ['tools', j, 'approval']);
    }
  }
}

function dedupe(ids: string[]): string[] {
  return [...new Set(ids)];
}
