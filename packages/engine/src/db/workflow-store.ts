import { WorkflowSchema, type Workflow } from './entities/workflow.entity.js';
import { WorkflowDocumentInputSchema, type WorkflowDocumentInput } from './entities/workflow-document-input.entity.js';
import { WorkflowRunSchema } from './entities/workflow-run.entity.js';
import { StepRunSchema } from './entities/step-run.entity.js';
import { WorkflowEventSchema } from './entities/workflow-event.entity.js';
import { columnsOf, parameterList } from './direct-sql.js';
import { projection, selectRows } from './select-projection.js';
import { withSqlExecutor, type SqlExecutor } from './sql-executor.js';
import { newId } from '../ids.js';
import type { EngineResources } from '../resources.js';
import type { UnitOfWork } from './unit-of-work.js';

/** A document bound to a workflow: `stepId` null = every step. */
export interface DocumentBinding {
  documentId: string;
  stepId: string | null;
}

/** What a definition edit replaces (the version and timestamps are the store's). */
export type WorkflowDefinitionColumns = Pick<Workflow, 'name' | 'description' | 'pattern' | 'definition' | 'runtimeId' | 'budgetUsd'>;

export async function insertWorkflow(uow: UnitOfWork, row: Workflow): Promise<void> {
  await uow.em.insert(WorkflowSchema, row);
}

export async function workflowExists(resources: EngineResources, id: string): Promise<boolean> {
  return (await resources.orm.em.fork().count(WorkflowSchema, { id })) > 0;
}

/** Whether any workflow is stored (the demo seeds only an empty database). */
export async function hasWorkflows(resources: EngineResources): Promise<boolean> {
  return (await resources.orm.em.fork().count(WorkflowSchema, {})) > 0;
}

/** The stored row as it is now in the transaction (not a cached entity), for checks before a write. */
export async function findWorkflowForWrite(uow: UnitOfWork, id: string): Promise<Workflow | null> {
  return uow.em.findOne(WorkflowSchema, { id }, { disableIdentityMap: true });
}

/**
 * Replaces the definition columns if the row is still at `version` (compare-and-set) and bumps
 * the version; false when another write got there first.
 */
export async function updateWorkflowDefinition(
  uow: UnitOfWork,
  id: string,
  version: number,
  columns: WorkflowDefinitionColumns,
  now: number,
): Promise<boolean> {
  const affected = await uow.em.nativeUpdate(WorkflowSchema, { id, version }, { ...columns, version: version + 1, updatedAt: now });
  return affected > 0;
}

/** Deletes a workflow with its bindings, steps, runs and events (ledger rows stay for spend history). */
export async function deleteWorkflowWithHistory(uow: UnitOfWork, id: string): Promise<void> {
  for (const schema of [WorkflowDocumentInputSchema, StepRunSchema, WorkflowRunSchema, WorkflowEventSchema] as const)
    await uow.em.nativeDelete(schema as typeof StepRunSchema, { workflowId: id });
  await uow.em.nativeDelete(WorkflowSchema, { id });
}

/** Full rows of the workflows of `ids`, in no particular order; one query. */
export async function findWorkflows(resources: EngineResources, ids: readonly string[]): Promise<Workflow[]> {
  return resources.orm.em.fork().find(WorkflowSchema, { id: { $in: [...new Set(ids)] } });
}

/** Stores `bindings` of a workflow in the order given (nothing when empty). */
export async function insertBindings(uow: UnitOfWork, workflowId: string, bindings: readonly DocumentBinding[], now: number): Promise<void> {
  if (bindings.length === 0) return;
  await uow.em.insertMany(
    WorkflowDocumentInputSchema,
    bindings.map((b, position) => ({ id: newId(), createdAt: now, workflowId, documentId: b.documentId, stepId: b.stepId, position })),
  );
}

/** Replaces every binding of a workflow with `bindings`. */
export async function replaceBindings(uow: UnitOfWork, workflowId: string, bindings: readonly DocumentBinding[], now: number): Promise<void> {
  await uow.em.nativeDelete(WorkflowDocumentInputSchema, { workflowId });
  await insertBindings(uow, workflowId, bindings, now);
}

/** A workflow's bindings in their order. */
export async function bindingsOf(resources: EngineResources, workflowId: string): Promise<DocumentBinding[]> {
  const rows = await resources.orm.em.fork().find(WorkflowDocumentInputSchema, { workflowId }, { orderBy: { position: 'asc' } });
  return rows.map((r) => ({ documentId: r.documentId, stepId: r.stepId ?? null }));
}

/** Bindings of the workflows of `ids`, each workflow's in order: one plain statement whatever the count. */
export async function bindingsOfWorkflows(resources: EngineResources, ids: readonly string[]): Promise<WorkflowDocumentInput[]> {
  return withSqlExecutor(resources.orm, (sql) =>
    selectRows(sql, WorkflowDocumentInputSchema, `where workflow_id in (${parameterList(ids.length)}) order by position`, [...ids]),
  );
}

/** Workflow columns a workflow view is made of (not the compare-and-set version or the event counter). */
const VIEW_PROPERTIES = [
  'id',
  'projectId',
  'name',
  'description',
  'status',
  'definition',
  'runtimeId',
  'budgetUsd',
  'runNumber',
  'latestRunId',
  'createdAt',
  'updatedAt',
] as const;
const BINDING_PROPERTIES = ['workflowId', 'documentId', 'stepId'] as const;

/** A page of workflow rows with the total count and the page's bindings. */
export interface WorkflowPageRows {
  rows: Pick<Workflow, (typeof VIEW_PROPERTIES)[number]>[];
  totalCount: number;
  bindings: Pick<WorkflowDocumentInput, (typeof BINDING_PROPERTIES)[number]>[];
}

/**
 * One page of workflows, newest first, in three plain statements whatever its size: the page,
 * the total count, and the page's document bindings. Through MikroORM the same page cost about
 * three times as much, most of it in the query builder and in formatting parameters into the SQL text.
 */
export async function readWorkflowPage(sql: SqlExecutor, status: string | null, first: number, offset: number): Promise<WorkflowPageRows> {
  const workflows = projection(sql, WorkflowSchema, VIEW_PROPERTIES);
  const table = columnsOf(sql.metadata, WorkflowSchema).table;
  const where = status ? 'where status = ?' : '';
  const params = status ? [status] : [];
  const rows = (
    await sql.all(`select ${workflows.list} from ${table} ${where} order by created_at desc, id asc limit ? offset ?`, [...params, first, offset])
  ).map((r) => workflows.map(r));
  const totalCount = Number((await sql.get(`select count(*) as n from ${table} ${where}`, params))?.n ?? 0);
  const bindings = projection(sql, WorkflowDocumentInputSchema, BINDING_PROPERTIES);
  const bindingRows = rows.length
    ? (
        await sql.all(
          `select ${bindings.list} from ${columnsOf(sql.metadata, WorkflowDocumentInputSchema).table} where workflow_id in (${parameterList(rows.length)}) order by position`,
          rows.map((r) => r.id),
        )
      ).map((r) => bindings.map(r))
    : [];
  return { rows, totalCount, bindings: bindingRows };
}
