import type { AgentProfileRow } from '../db/entities/agent-profile.entity.js';
import {
  agentProfileIdByNameKey,
  deleteAgentProfileRow,
  findAgentProfileRows,
  insertAgentProfileRow,
  listAgentProfileRows,
  lockProfileReferences,
  updateAgentProfileRow,
  workflowsNamingProfile,
} from '../db/agent-profile-store.js';
import { withSqlExecutor } from '../db/sql-executor.js';
import { inTransaction } from '../db/unit-of-work.js';
import { ConflictError, NotFoundError, ReadOnlyError, ValidationError } from '../errors.js';
import { newId } from '../ids.js';
import type { EngineResources } from '../resources.js';
import type { McpToolLookup } from '../tools/grant-references.js';
import type { AgentProfileInput, AgentProfileLookup, AgentProfileView } from './agent-profile.js';
import { BUILT_IN_PROFILES, builtInProfile } from './built-in-profiles.js';
import { misfitsOfChange, namingFingerprint } from './profile-fit.js';
import { validateProfile, type ProfileValidationLookups } from './profile-validation.js';

/**
 * Agent profiles: the built-in ones (code constants, read-only) and the user's own (rows of
 * `agent_profiles`). Creates, replaces and deletes the user's profiles: every bad field is
 * reported at once with its path and nothing is stored then; a profile that a workflow step names
 * cannot be deleted, nor changed so that such a step could no longer run.
 */
export class AgentProfileSystem implements AgentProfileLookup {
  constructor(
    private readonly resources: EngineResources,
    private readonly deps: { defaultRuntimeId: () => Promise<string | null>; mcpTools: McpToolLookup },
  ) {}

  private lookups(): ProfileValidationLookups {
    return {
      catalog: this.resources.catalog,
      defaultRuntimeId: this.deps.defaultRuntimeId,
      mcpTools: this.deps.mcpTools,
      nameTaken: async (name, exceptId) => {
        const key = nameKey(name);
        if (BUILT_IN_PROFILES.some((p) => nameKey(p.name) === key)) return true;
        const holder = await agentProfileIdByNameKey(this.resources, key);
        return holder !== null && holder !== exceptId;
      },
    };
  }

  /** The built-in profiles (general, researcher, analyst, writer), then the user's own by name. */
  async list(): Promise<AgentProfileView[]> {
    return [...BUILT_IN_PROFILES, ...(await listAgentProfileRows(this.resources)).map(toView)];
  }

  async get(id: string): Promise<AgentProfileView | null> {
    return (await this.profiles([id])).get(id) ?? null;
  }

  async profiles(ids: readonly string[]): Promise<Map<string, AgentProfileView>> {
    const out = new Map<string, AgentProfileView>();
    const own: string[] = [];
    for (const id of ids) {
      const builtIn = builtInProfile(id);
      if (builtIn) out.set(id, builtIn);
      else own.push(id);
    }
    for (const row of await findAgentProfileRows(this.resources, own)) out.set(row.id, toView(row));
    return out;
  }

  async create(input: AgentProfileInput): Promise<AgentProfileView> {
    const valid = await validateProfile(input, this.lookups(), null);
    const now = this.resources.clock.now();
    const row: AgentProfileRow = { id: newId(), createdAt: now, updatedAt: now, nameKey: nameKey(valid.name), ...valid };
    if (!(await insertAgentProfileRow(this.resources, row))) throw nameTaken(valid.name);
    return toView(row);
  }

  /**
   * Replaces a profile's fields. Steps that name it take the new presets from their next run on.
   * CONFLICT when the change would leave such a step unable to run (a model its runtime lacks, an
   * ASK grant on a runtime that cannot wait), naming the workflows and steps.
   */
  async update(id: string, input: AgentProfileInput): Promise<AgentProfileView> {
    refuseBuiltIn(id, 'changed');
    const [current] = await findAgentProfileRows(this.resources, [id]);
    const lookups = this.lookups();
    const valid = await validateProfile(input, lookups, id, current ? [] : [notFound(id)]);
    const naming = await withSqlExecutor(this.resources.orm, (sql) => workflowsNamingProfile(sql, id));
    const misfits = await misfitsOfChange(naming, id, toView(current!), { id, ...valid }, lookups);
    if (misfits.length) throw new ValidationError(misfits);
    const now = this.resources.clock.now();
    await inTransaction(this.resources, async (uow) => {
      await lockProfileReferences(uow.sql);
      // The check above read the runtimes outside the transaction (a probe can take seconds); the
      // steps it judged must still be the ones that name the profile.
      if (namingFingerprint(await workflowsNamingProfile(uow.sql, id), id) !== namingFingerprint(naming, id))
        throw new ConflictError('Workflows using this profile changed while it was being saved; save it again.', ['id']);
      const outcome = await updateAgentProfileRow(uow, id, { ...valid, nameKey: nameKey(valid.name), updatedAt: now });
      if (outcome === 'missing') throw notFound(id);
      if (outcome === 'name-taken') throw nameTaken(valid.name);
    });
    return (await this.get(id))!;
  }

  /** Deletes a profile. CONFLICT while a workflow step names it (the message names the workflows). */
  async delete(id: string): Promise<string> {
    refuseBuiltIn(id, 'deleted');
    const [row] = await findAgentProfileRows(this.resources, [id]);
    if (!row) throw notFound(id);
    await inTransaction(this.resources, async (uow) => {
      await lockProfileReferences(uow.sql);
      const naming = await workflowsNamingProfile(uow.sql, id);
      if (naming.length)
        throw new ConflictError(
          `Profile "${row.name}" is used by ${naming.length === 1 ? 'workflow' : 'workflows'} ${naming.map((w) => `"${w.name}"`).join(', ')}; remove it from their steps first.`,
          ['id'],
        );
      if (!(await deleteAgentProfileRow(uow, id))) throw notFound(id);
    });
    return id;
  }
}

/** Names are unique without regard to case or surrounding space. */
function nameKey(name: string): string {
  return name.trim().toLowerCase();
}

function refuseBuiltIn(id: string, what: 'changed' | 'deleted'): void {
  const builtIn = builtInProfile(id);
  if (builtIn) throw new ReadOnlyError(`"${builtIn.name}" is a built-in profile and cannot be ${what}; create a profile of your own from it instead.`, ['id']);
}

function notFound(id: string): NotFoundError {
  return new NotFoundError('Agent profile', id, ['id']);
}

function nameTaken(name: string): ConflictError {
  return new ConflictError(`A profile named "${name}" already exists (names are compared without regard to case); choose another name.`, ['name']);
}

function toView(row: AgentProfileRow): AgentProfileView {
  return {
    id: row.id,
    name: row.name,
    builtIn: false,
    description: row.description ?? null,
    systemPrompt: row.systemPrompt,
    tools: row.tools.map((g) => ({ ...g })),
    maxTurns: row.maxTurns ?? null,
    runtimeId: row.runtimeId ?? null,
    modelId: row.modelId ?? null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
