import {
  deleteDocumentWithBindings,
  findDocument,
  findDocuments,
  findDocumentSummaries,
  insertDocument,
  listDocumentSummaries,
  type DocumentSummary,
} from '../db/document-store.js';
import { inTransaction } from '../db/unit-of-work.js';
import { ErrorCode, NotFoundError, StagentError, ValidationError } from '../errors.js';
import { newId } from '../ids.js';
import { blankNameMessage, isBlankName } from '../names.js';
import type { EngineResources } from '../resources.js';
import type { DocumentView } from '../workflows/read-models.js';

/** MIME types a document may have: text formats the agents can read inline. */
export const DOCUMENT_MIME_TYPES = ['text/plain', 'text/markdown', 'application/json', 'text/csv'] as const;
/** Largest document accepted, bytes (UTF-8). */
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;

/** A document with its content, for prompt composition and agent tools. */
export interface DocumentContent {
  id: string;
  name: string;
  mimeType: string;
  content: string;
}

/** Stores documents and answers for their content. Deleting a document removes its bindings. */
export class DocumentSystem {
  constructor(private readonly resources: EngineResources) {}

  async list(): Promise<DocumentView[]> {
    return (await listDocumentSummaries(this.resources)).map(toView);
  }

  /** Views for ids in order (null where missing); one query. */
  async getMany(ids: readonly string[]): Promise<(DocumentView | null)[]> {
    if (ids.length === 0) return [];
    const rows = await findDocumentSummaries(this.resources, ids);
    const byId = new Map(rows.map((r) => [r.id, toView(r)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** Documents with content for ids (missing ids are skipped), in the order given. */
  async contents(ids: readonly string[]): Promise<DocumentContent[]> {
    if (ids.length === 0) return [];
    const rows = await findDocuments(this.resources, ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => {
      const r = byId.get(id);
      return r ? [{ id: r.id, name: r.name, mimeType: r.mimeType, content: r.content }] : [];
    });
  }

  async content(id: string): Promise<string> {
    const row = await findDocument(this.resources, id);
    if (!row) throw new NotFoundError('Document', id, ['id']);
    return row.content;
  }

  /** Validates and stores a document. Errors name the field: `name`, `mimeType` or `content`. */
  async create(input: { name: string; mimeType: string; content: string; projectId?: string | null }): Promise<DocumentView> {
    const issues: StagentError[] = [];
    const name = input.name?.trim() ?? '';
    if (isBlankName(name)) issues.push(new StagentError(ErrorCode.INVALID_VALUE, blankNameMessage('document'), { field: ['name'] }));
    else if (name.length > 200) issues.push(new StagentError(ErrorCode.OUT_OF_RANGE, 'Document names are at most 200 characters.', { field: ['name'] }));
    if (!(DOCUMENT_MIME_TYPES as readonly string[]).includes(input.mimeType))
      issues.push(
        new StagentError(ErrorCode.INVALID_VALUE, `Unsupported type "${input.mimeType}"; use one of ${DOCUMENT_MIME_TYPES.join(', ')}.`, {
          field: ['mimeType'],
        }),
      );
    const sizeBytes = Buffer.byteLength(input.content ?? '', 'utf8');
    if (sizeBytes === 0) issues.push(new StagentError(ErrorCode.INVALID_VALUE, 'The document is empty.', { field: ['content'] }));
    if (sizeBytes > MAX_DOCUMENT_BYTES)
      issues.push(
        new StagentError(ErrorCode.OUT_OF_RANGE, `The document is ${sizeBytes} bytes; the limit is ${MAX_DOCUMENT_BYTES} bytes (5 MiB).`, {
          field: ['content'],
        }),
      );
    if (input.mimeType === 'application/json' && sizeBytes > 0) {
      try {
        JSON.parse(input.content);
      } catch (e) {
        issues.push(new StagentError(ErrorCode.INVALID_VALUE, `The content is not valid JSON: ${(e as Error).message}.`, { field: ['content'] }));
      }
    }
    if (issues.length) throw new ValidationError(issues);
    const row = {
      id: newId(),
      createdAt: this.resources.clock.now(),
      projectId: input.projectId ?? null,
      name,
      mimeType: input.mimeType,
      content: input.content,
      sizeBytes,
    };
    await insertDocument(this.resources, row);
    return toView(row);
  }

  /** Deletes a document and every binding of it, in one transaction. */
  async delete(id: string): Promise<string> {
    await inTransaction(this.resources, async (uow) => {
      if (!(await deleteDocumentWithBindings(uow, id))) throw new NotFoundError('Document', id, ['id']);
    });
    return id;
  }
}

function toView(r: DocumentSummary): DocumentView {
  return { id: r.id, projectId: r.projectId ?? null, name: r.name, mimeType: r.mimeType, sizeBytes: r.sizeBytes, createdAt: r.createdAt };
}
