import { DocumentSchema, type DocumentRow } from './entities/document.entity.js';
import { WorkflowDocumentInputSchema } from './entities/workflow-document-input.entity.js';
import type { EngineResources } from '../resources.js';
import type { UnitOfWork } from './unit-of-work.js';

/** The columns a document view is made of: everything but the content. */
export type DocumentSummary = Pick<DocumentRow, 'id' | 'projectId' | 'name' | 'mimeType' | 'sizeBytes' | 'createdAt'>;
const SUMMARY_FIELDS = ['id', 'projectId', 'name', 'mimeType', 'sizeBytes', 'createdAt'] as const;

/** Every document without its content, newest first (then by name). */
export async function listDocumentSummaries(resources: EngineResources): Promise<DocumentSummary[]> {
  return resources.orm.em.fork().find(DocumentSchema, {}, { orderBy: { createdAt: 'desc', name: 'asc' }, fields: [...SUMMARY_FIELDS] });
}

/** The documents of `ids` without their content, in no particular order; one query. */
export async function findDocumentSummaries(resources: EngineResources, ids: readonly string[]): Promise<DocumentSummary[]> {
  return resources.orm.em.fork().find(DocumentSchema, { id: { $in: [...new Set(ids)] } }, { fields: [...SUMMARY_FIELDS] });
}

/** The documents of `ids` with their content, in no particular order; one query. */
export async function findDocuments(resources: EngineResources, ids: readonly string[]): Promise<DocumentRow[]> {
  return resources.orm.em.fork().find(DocumentSchema, { id: { $in: [...new Set(ids)] } });
}

export async function findDocument(resources: EngineResources, id: string): Promise<DocumentRow | null> {
  return resources.orm.em.fork().findOne(DocumentSchema, { id });
}

/** Which of `ids` name a stored document (the id column only). */
export async function existingDocumentIds(resources: EngineResources, ids: string[]): Promise<Set<string>> {
  return new Set((await resources.orm.em.fork().find(DocumentSchema, { id: { $in: ids } }, { fields: ['id'] })).map((d) => d.id));
}

/** Whether any document is stored (the demo seeds only an empty database). */
export async function hasDocuments(resources: EngineResources): Promise<boolean> {
  return (await resources.orm.em.fork().count(DocumentSchema, {})) > 0;
}

export async function insertDocument(resources: EngineResources, row: DocumentRow): Promise<void> {
  const em = resources.orm.em.fork();
  em.create(DocumentSchema, row);
  await em.flush();
}

/** Deletes a document and every workflow binding of it; false (nothing deleted) when there is no such document. */
export async function deleteDocumentWithBindings(uow: UnitOfWork, id: string): Promise<boolean> {
  if ((await uow.em.nativeDelete(DocumentSchema, { id })) === 0) return false;
  await uow.em.nativeDelete(WorkflowDocumentInputSchema, { documentId: id });
  return true;
}
