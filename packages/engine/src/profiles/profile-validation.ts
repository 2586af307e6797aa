import { z } from 'zod';
import { ErrorCode, StagentError, ValidationError } from '../errors.js';
import { blankNameMessage, isBlankName } from '../names.js';
import type { RuntimeCatalog } from '../runtimes/catalog.js';
import { checkGrantReferences, type McpToolLookup } from '../tools/grant-references.js';
import { RUNTIMES_WITHOUT_APPROVALS, type ToolGrant } from '../tools/tool-grants.js';
import { toolGrants, turnLimit } from '../workflows/definition-schema.js';
import { parseFields } from '../workflows/field-parse.js';
import { MAX_PROFILE_DESCRIPTION_LENGTH, MAX_PROFILE_NAME_LENGTH, MAX_PROFILE_SYSTEM_PROMPT_LENGTH, type AgentProfileInput } from './agent-profile.js';

/** Shape of a submitted profile: grants and the turn limit use the same rules as a step's. */
const profileInputSchema = z.object({
  name: z
    .string()
    .trim()
    .refine((name) => !isBlankName(name), blankNameMessage('profile'))
    .max(MAX_PROFILE_NAME_LENGTH, `Profile names are at most ${MAX_PROFILE_NAME_LENGTH} characters.`),
  description: z.string().max(MAX_PROFILE_DESCRIPTION_LENGTH, `Descriptions are at most ${MAX_PROFILE_DESCRIPTION_LENGTH} characters.`).nullish(),
  systemPrompt: z
    .string()
    .max(MAX_PROFILE_SYSTEM_PROMPT_LENGTH, `A profile's system prompt is at most ${MAX_PROFILE_SYSTEM_PROMPT_LENGTH.toLocaleString('en-US')} characters.`)
    .nullish(),
  tools: toolGrants.nullish(),
  maxTurns: turnLimit.nullish(),
  runtimeId: z.string().min(1).nullish(),
  modelId: z.string().min(1).nullish(),
});

/** A profile's fields as they are stored. */
export interface ValidProfile {
  name: string;
  description: string | null;
  systemPrompt: string;
  tools: ToolGrant[];
  maxTurns: number | null;
  runtimeId: string | null;
  modelId: string | null;
}

/** What profile validation looks up. */
export interface ProfileValidationLookups {
  catalog: RuntimeCatalog;
  /** The runtime a step without runtime ids would use (for checking a model id of a profile without a runtime). */
  defaultRuntimeId(): Promise<string | null>;
  mcpTools: McpToolLookup;
  /** Another profile (built-in or not, other than `exceptId`) already has this name, compared without regard to case. */
  nameTaken(name: string, exceptId: string | null): Promise<boolean>;
}

type Add = (message: string, field: (string | number)[], code?: ErrorCode) => void;

/**
 * Validates a submitted profile completely and reports every problem at once, each with its field
 * path: shape (name 1-80 characters, system prompt up to 20,000, turn limit 1-50), the name's
 * uniqueness (CONFLICT), the runtime and model against the catalog (NOT_FOUND), and the grants
 * exactly as a step's: well-formed, naming registered servers and tools, and no ASK on a runtime
 * that cannot wait for an approval. A profile is not a workflow definition, so problems of form
 * are INVALID_VALUE. Throws {@link ValidationError}; `known` problems are reported first.
 */
export async function validateProfile(
  input: AgentProfileInput,
  lookups: ProfileValidationLookups,
  exceptId: string | null,
  known: readonly StagentError[] = [],
): Promise<ValidProfile> {
  const issues: StagentError[] = [...known];
  const add: Add = (message, field, code = ErrorCode.INVALID_VALUE) =>
    issues.push(new StagentError(code === ErrorCode.INVALID_DEFINITION ? ErrorCode.INVALID_VALUE : code, message, { field }));
  const parsed: StagentError[] = [];
  const data = parseFields(profileInputSchema, input, [], parsed) ?? {};
  for (const issue of parsed) add(issue.message, issue.field ?? [], issue.code);

  if (data.name && (await lookups.nameTaken(data.name, exceptId)))
    add(`A profile named "${data.name}" already exists (names are compared without regard to case); choose another name.`, ['name'], ErrorCode.CONFLICT);
  const runtime = await checkRuntimeAndModel(data, lookups, add);
  const grants = (data.tools ?? []) as ToolGrant[];
  await checkGrantReferences([{ grants, field: ['tools'] }], lookups.mcpTools, add);
  if (runtime && RUNTIMES_WITHOUT_APPROVALS.includes(runtime))
    grants.forEach((g, j) => {
      if (g.approval === 'ASK')
        add(`This grant asks for approval, but the profile runs on ${runtime}, which cannot pause a step to wait for one; use AUTO or DENY.`, [
          'tools',
          j,
          'approval',
        ]);
    });
  if (issues.length) throw new ValidationError(issues);
  return {
    name: data.name!,
    description: data.description?.trim() || null,
    systemPrompt: data.systemPrompt ?? '',
    tools: grants,
    maxTurns: data.maxTurns ?? null,
    runtimeId: data.runtimeId ?? null,
    modelId: data.modelId ?? null,
  };
}

/** The runtime must be in the catalog, the model one of its runtime's (else the default runtime's). Returns the profile's own runtime when it is known. */
async function checkRuntimeAndModel(data: Partial<z.output<typeof profileInputSchema>>, lookups: ProfileValidationLookups, add: Add): Promise<string | null> {
  const known = new Set(lookups.catalog.ids());
  if (data.runtimeId && !known.has(data.runtimeId)) {
    add(`Unknown runtime "${data.runtimeId}". Known runtimes: ${[...known].join(', ')}.`, ['runtimeId'], ErrorCode.NOT_FOUND);
    return null;
  }
  // Without a runtime of its own, the model is checked against the default runtime: the one a step
  // uses when neither it nor its workflow names one. A workflow that names another runtime is checked when it is saved.
  const runtime = data.runtimeId ?? (await lookups.defaultRuntimeId());
  if (data.modelId && runtime && known.has(runtime)) {
    const d = await lookups.catalog.describe(runtime);
    if (!d.models.supported.includes(data.modelId))
      add(
        `Runtime ${runtime}${data.runtimeId ? '' : ' (the default runtime)'} has no model "${data.modelId}". Supported: ${d.models.supported.join(', ')}.`,
        ['modelId'],
        ErrorCode.NOT_FOUND,
      );
  }
  return data.runtimeId ?? null;
}
