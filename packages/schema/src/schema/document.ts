import type { DocumentView } from '@stagent/engine';
import { builder } from '../builder.js';
import { limited } from '../input-limits.js';
import { DeletePayloadRef, payload, UserErrorRef, type Payload } from './common.js';

/** Contract `Document`, backed by the engine's {@link DocumentView}. */
export const DocumentRef = builder.objectRef<DocumentView>('Document').implement({
  description: 'A stored document that workflows can bind as context (globally or to one step).',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Document id.' }),
    name: t.exposeString('name', { description: 'File name or title shown to people.' }),
    mimeType: t.exposeString('mimeType', { description: 'Media type of the content, e.g. "text/markdown".' }),
    sizeBytes: t.exposeInt('sizeBytes', { description: 'Size of the content in bytes (UTF-8).' }),
    createdAt: t.field({ type: 'DateTime', description: 'When the document was stored.', resolve: (d) => d.createdAt }),
    content: t.string({
      description: 'The full text content. Read one document at a time: this field is not batched.',
      resolve: (d, _args, ctx) => ctx.engine.getDocumentContent(d.id),
    }),
  }),
});

/** Contract `DocumentPayload`. */
const DocumentPayloadRef = builder.objectRef<Payload<{ document: DocumentView }>>('DocumentPayload').implement({
  description: 'Result of a document mutation.',
  fields: (t) => ({
    document: t.field({
      type: DocumentRef,
      nullable: true,
      description: 'The stored document; null when `errors` is not empty.',
      resolve: (p) => p.document ?? null,
    }),
    errors: t.field({ type: [UserErrorRef], description: 'Expected failures; empty on success.', resolve: (p) => p.errors }),
  }),
});

builder.queryFields((t) => ({
  documents: t.field({
    type: [DocumentRef],
    description: 'Every stored document, newest first.',
    resolve: (_root, _args, ctx) => ctx.engine.listDocuments(),
  }),
  document: t.field({
    type: DocumentRef,
    nullable: true,
    description: 'One document by id; null when it does not exist.',
    args: { id: t.arg.id({ required: true, description: 'Document id.' }) },
    resolve: async (_root, args, ctx) => (await ctx.loaders.document.load(String(args.id))) ?? null,
  }),
}));

builder.mutationFields((t) => ({
  createDocument: t.field({
    type: DocumentPayloadRef,
    description: 'Stores a text document. Errors: INVALID_VALUE (empty name, unsupported type, content too large).',
    args: {
      name: t.arg.string(limited('name', { required: true, description: 'File name or title.' })),
      mimeType: t.arg.string(limited('key', { required: true, description: 'Media type, e.g. "text/markdown" or "text/plain".' })),
      content: t.arg.string(limited('document', { required: true, description: 'The text content (UTF-8).' })),
    },
    resolve: (_root, args, ctx) =>
      payload(async () => ({ document: await ctx.engine.createDocument({ name: args.name, mimeType: args.mimeType, content: args.content }) })),
  }),
  deleteDocument: t.field({
    type: DeletePayloadRef,
    description: 'Deletes a document and its workflow bindings. Errors: NOT_FOUND.',
    args: { id: t.arg.id({ required: true, description: 'Document id.' }) },
    resolve: (_root, args, ctx) => payload(async () => ({ deletedId: await ctx.engine.deleteDocument(String(args.id)) })),
  }),
}));
