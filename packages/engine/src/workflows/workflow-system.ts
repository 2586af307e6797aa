import { NO_MCP_SERVERS, type McpToolLookup } from '../tools/grant-references.js';
import type { Workflow } from '../db/entities/workflow.entity.js';
import { existingDocumentIds } from '../db/document-store.js';
import { inTransaction } from '../db/unit-of-work.js';
import {
  bindingsOf,
  bindingsOfWorkflows,
  deleteWorkflowWithHistory,
  findWorkflowForWrite,
  findWorkflows,
  insertBindings,
  insertWorkflow,
  replaceBindings,
  updateWorkflowDefinition,
  workflowExists,
} from '../db/workflow-store.js';
import { ConflictError, WorkflowNotFoundError, type StagentError } from '../errors.js';
import { newId } from '../ids.js';
import type { EngineResources } from '../resources.js';
import type { WorkflowDefinition, WorkflowDefinitionInput } from './definition.js';
import type { AgentProfileLookup, AgentProfileView } from '../profiles/agent-profile.js';
import { BUILT_IN_PROFILES_ONLY } from '../profiles/built-in-profiles.js';
import { profileIdsOf, withProfiles, type EffectiveDefinition } from '../profiles/effective-step.js';
import { confirmNamedProfiles } from '../profiles/profile-guard.js';
import type { WorkflowView } from './read-models.js';
import { validateDefinition, type ValidatedWorkflow } from './validation.js';
import type { WorkflowStatus } from './workflow-state.js';

/** What a drive of a run reads besides the run: the workflow's document bindings and the profiles its steps name. */
export interface WorkflowBindings {
  bindingsOf(workflowId: string): Promise<{ documentId: string; stepId: string | null }[]>;
  /** Each definition with its steps merged with their agent profiles, as the profiles are now. */
  withProfiles(definitions: readonly WorkflowDefinition[]): Promise<EffectiveDefinition[]>;
}

/** Creates, edits, deletes and reads workflow definitions with their document bindings. */
export class WorkflowSystem implements WorkflowBindings {
  constructor(
    private readonly resources: EngineResources,
    private readonly defaultRuntimeId: () => Promise<string | null>,
    private readonly mcpTools: McpToolLookup = NO_MCP_SERVERS,
    private readonly profiles: AgentProfileLookup = BUILT_IN_PROFILES_ONLY,
  ) {}

  /** Validates a submitted definition against the catalog and stored documents; `known` problems are reported first. */
  validate(input: WorkflowDefinitionInput, known: readonly StagentError[] = []): Promise<ValidatedWorkflow> {
    return validateDefinition(
      input,
      {
        catalog: this.resources.catalog,
        defaultRuntimeId: this.defaultRuntimeId,
        existingDocumentIds: (ids) => existingDocumentIds(this.resources, ids),
        mcpTools: this.mcpTools,
        profiles: this.profiles,
      },
      known,
    );
  }

  async withProfiles(definitions: readonly WorkflowDefinition[]): Promise<EffectiveDefinition[]> {
    const ids = profileIdsOf(definitions);
    const profiles = ids.length ? await this.profiles.profiles(ids) : new Map<string, AgentProfileView>();
    return definitions.map((d) => withProfiles(d, profiles));
  }

  async create(input: WorkflowDefinitionInput, projectId: string | null = null): Promise<WorkflowView> {
    const valid = await this.validate(input);
    const now = this.resources.clock.now();
    const id = newId();
    await inTransaction(this.resources, async (uow) => {
      await insertWorkflow(uow, {
        id,
        createdAt: now,
        updatedAt: now,
        projectId,
        name: valid.definition.name,
        description: valid.definition.description ?? null,
        pattern: valid.definition.pattern,
        status: 'DRAFT',
        definition: valid.definition,
        runtimeId: valid.definition.runtimeId ?? null,
        budgetUsd: valid.definition.budgetUsd ?? null,
        runNumber: 0,
        version: 0,
        eventSeq: 0,
        latestRunId: null,
      });
      await insertBindings(uow, id, valid.bindings, now);
      await confirmNamedProfiles(uow, valid.definition, valid.profiles);
    });
    return (await this.get(id))!;
  }

  /**
   * Replaces the definition and bindings. Refused while a run is live or parked (cancel it first).
   * An unknown id is reported together with the definition's problems.
   */
  async update(id: string, input: WorkflowDefinitionInput): Promise<WorkflowView> {
    const exists = await workflowExists(this.resources, id);
    const valid = await this.validate(input, exists ? [] : [new WorkflowNotFoundError(id)]);
    const now = this.resources.clock.now();
    await inTransaction(this.resources, async (uow) => {
      const wf = await findWorkflowForWrite(uow, id);
      if (!wf) throw new WorkflowNotFoundError(id);
      if (wf.status === 'ACTIVE' || wf.status === 'PAUSED')
        throw new ConflictError(`Workflow "${wf.name}" is ${wf.status === 'ACTIVE' ? 'running' : 'paused in a run'}; cancel the run before editing it.`, [
          'id',
        ]);
      const saved = await updateWorkflowDefinition(
        uow,
        id,
        wf.version,
        {
          name: valid.definition.name,
          description: valid.definition.description ?? null,
          pattern: valid.definition.pattern,
          definition: valid.definition,
          runtimeId: valid.definition.runtimeId ?? null,
          budgetUsd: valid.definition.budgetUsd ?? null,
        },
        now,
      );
      if (!saved) throw new ConflictError('The workflow changed while it was being saved; reload and try again.', ['id']);
      await replaceBindings(uow, id, valid.bindings, now);
      await confirmNamedProfiles(uow, valid.definition, valid.profiles);
    });
    return (await this.get(id))!;
  }

  /** Deletes a workflow with its runs, steps, events and bindings (ledger rows stay for spend history). */
  async delete(id: string): Promise<string> {
    await inTransaction(this.resources, async (uow) => {
      const wf = await findWorkflowForWrite(uow, id);
      if (!wf) throw new WorkflowNotFoundError(id);
      if (wf.status === 'ACTIVE') throw new ConflictError(`Workflow "${wf.name}" is running; cancel it before deleting it.`, ['id']);
      await deleteWorkflowWithHistory(uow, id);
    });
    return id;
  }

  async get(id: string): Promise<WorkflowView | null> {
    return (await this.getMany([id]))[0] ?? null;
  }

  /** Views for ids in order (null where missing): two queries whatever the count. */
  async getMany(ids: readonly string[]): Promise<(WorkflowView | null)[]> {
    if (ids.length === 0) return [];
    const rows = await findWorkflows(this.resources, ids);
    const views = await this.toViews(rows);
    const byId = new Map(views.map((v) => [v.id, v]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async bindingsOf(workflowId: string): Promise<{ documentId: string; stepId: string | null }[]> {
    return bindingsOf(this.resources, workflowId);
  }

  private async toViews(rows: Workflow[]): Promise<WorkflowView[]> {
    if (rows.length === 0) return [];
    const byWorkflow = bindingsByWorkflow(
      await bindingsOfWorkflows(
        this.resources,
        rows.map((r) => r.id),
      ),
    );
    return rows.map((r) => toWorkflowView(r, byWorkflow.get(r.id) ?? []));
  }
}

/** A workflow's document bindings (`stepId` null = global), grouped by workflow id, in the order given. */
export function bindingsByWorkflow(
  rows: readonly { workflowId: string; documentId: string; stepId?: string | null }[],
): Map<string, WorkflowView['documents']> {
  const byWorkflow = new Map<string, WorkflowView['documents']>();
  for (const b of rows) {
    const binding = { documentId: b.documentId, stepId: b.stepId ?? null };
    const list = byWorkflow.get(b.workflowId);
    if (list) list.push(binding);
    else byWorkflow.set(b.workflowId, [binding]);
  }
  return byWorkflow;
}

/** The view of a stored workflow with its bindings: every step lists its step-scoped documents. */
export function toWorkflowView(
  r: Pick<
    Workflow,
    'id' | 'projectId' | 'name' | 'description' | 'status' | 'definition' | 'runtimeId' | 'budgetUsd' | 'runNumber' | 'latestRunId' | 'createdAt' | 'updatedAt'
  >,
  documents: WorkflowView['documents'],
): WorkflowView {
  return {
    id: r.id,
    projectId: r.projectId ?? null,
    name: r.name,
    description: r.description ?? null,
    pattern: r.definition.pattern,
    status: r.status as WorkflowStatus,
    runtimeId: r.runtimeId ?? null,
    budgetUsd: r.budgetUsd ?? null,
    steps: r.definition.steps.map((s) => ({ ...s, tools: s.tools ?? [], documentIds: documents.filter((b) => b.stepId === s.id).map((b) => b.documentId) })),
    documents,
    config: r.definition.config,
    tools: r.definition.tools ?? [],
    runNumber: r.runNumber,
    latestRunId: r.latestRunId ?? null,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}
