import { ReadCache } from '../db/read-cache.js';
import { readWorkflowPage } from '../db/workflow-store.js';
import type { EngineResources } from '../resources.js';
import type { WorkflowPage } from './engine-api.js';
import type { WorkflowStatus } from '../workflows/workflow-state.js';
import { bindingsByWorkflow, toWorkflowView } from '../workflows/workflow-system.js';
import { encodeOffsetCursor, workflowPage } from '../workflows/workflow-page.js';

/**
 * Read side of workflow lists: a page of views in three plain statements (page, count, document
 * bindings; see `readWorkflowPage` in `db/workflow-store.ts`) on the fast read path of
 * `db/sql-executor.ts`, whatever the page size.
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
    return this.cache.get(this.resources.orm, `${status ?? ''}:${first}:${offset}`, async (sql) => {
      const { rows, totalCount, bindings } = await readWorkflowPage(sql, status, first, offset);
      const byWorkflow = bindingsByWorkflow(bindings);
      const end = offset + rows.length;
      return {
        nodes: rows.map((r) => toWorkflowView(r, byWorkflow.get(r.id) ?? [])),
        totalCount,
        hasNextPage: end < totalCount,
        endCursor: rows.length ? encodeOffsetCursor(end) : null,
      };
    });
  }
}
