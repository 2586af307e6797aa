import { WorkflowSchema } from '../db/entities/workflow.entity.js';
import { WorkflowDocumentInputSchema } from '../db/entities/workflow-document-input.entity.js';
import { columnsOf, parameterList } from '../db/direct-sql.js';
import { projection } from '../db/select-projection.js';
import { ReadCache } from '../db/read-cache.js';
import type { SqlExecutor } from '../db/sql-executor.js';
import type { EngineResources } from '../resources.js';
import type { WorkflowPage } from './engine-api.js';
import type { WorkflowStatus } from '../workflows/workflow-state.js';
import { bindingsByWorkflow, toWorkflowView } from '../workflows/workflow-system.js';
import { encodeOffsetCursor, workflowPage } from '../workflows/workflow-page.js';

/** Workflow columns a {@link WorkflowView} is made of (not the compare-and-set version or the event counter). */
const WORKFLOW_PROPERTIES = [
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

/**
 * Read side of workflow lists: a page of views in three plain statements (page, count, document
 * bindings) on the fast read path of `db/sql-executor.ts`, whatever the page size. Through
 * MikroORM (`WorkflowSystem.list`) the same page cost about three times as much, most of it
 * in the query builder and in formatting parameters into the SQL text.
 */
export class WorkflowReader {
  /** Pages already read, kept while the database is unchanged (see `db/read-cache.ts`). */
  private readonly cache: ReadCache;

  constructor(
    private readonly resources: EngineResources,
    options: { readCache?: boolean } = {},
  ) {
    this.cache = new ReadCache(32, options.readCache ?? true);
  }

  /** A page of workflows, newest first, optionally filtered by status (see `workflow-page.ts`); throws a ValidationError for a bad size or cursor. */
  async list(filter: { status?: WorkflowStatus | null; first?: number | null; after?: string | null } = {}): Promise<WorkflowPage> {
    const { first, offset } = workflowPage(filter.first, filter.after);
    const status = filter.status ?? null;
    return this.cache.get(this.resources.orm, `${status ?? ''}:${first}:${offset}`, (sql) => this.readPage(sql, status, first, offset));
  }

  /** One page in three statements: the page, the total count, and the page's document bindings. */
  private async readPage(sql: SqlExecutor, status: WorkflowStatus | null, first: number, offset: number): Promise<WorkflowPage> {
    const workflows = projection(sql, WorkflowSchema, WORKFLOW_PROPERTIES);
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
    const byWorkflow = bindingsByWorkflow(bindingRows);
    const end = offset + rows.length;
    return {
      nodes: rows.map((r) => toWorkflowView(r, byWorkflow.get(r.id) ?? [])),
      totalCount,
      hasNextPage: end < totalCount,
      endCursor: rows.length ? encodeOffsetCursor(end) : null,
    };
  }
}
