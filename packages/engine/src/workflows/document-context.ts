import type { DocumentContent } from '../documents/document-system.js';

/** Characters of one document inlined into a prompt; the rest is readable with `read_document`. */
export const MAX_DOCUMENT_CHARS = 12_000;
/** Characters of document text inlined into one prompt in total. */
export const MAX_CONTEXT_CHARS = 40_000;

/** The document block of a prompt and what was cut. */
export interface DocumentContext {
  text: string;
  /** Documents inlined partially or not at all, with their full length in characters. */
  truncated: { id: string; name: string; shownChars: number; totalChars: number }[];
  documentCount: number;
}

/**
 * Renders the documents a step receives (global ∪ step-scoped, in binding order) as one block.
 * Each document is cut at {@link MAX_DOCUMENT_CHARS} at a line boundary, the whole block at
 * {@link MAX_CONTEXT_CHARS}; the block states every cut so the model (and the user reading the
 * prompt) knows what it did not see and can fetch it with the `read_document` tool.
 */
export function buildDocumentContext(documents: DocumentContent[]): DocumentContext {
  if (documents.length === 0) return { text: '', truncated: [], documentCount: 0 };
  const truncated: DocumentContext['truncated'] = [];
  const parts: string[] = [];
  let used = 0;
  documents.forEach((doc, index) => {
    const room = Math.max(0, Math.min(MAX_DOCUMENT_CHARS, MAX_CONTEXT_CHARS - used));
    const shown = cutAtLine(doc.content, room);
    used += shown.length;
    const header = `[Document ${index + 1}: ${doc.name}] (id ${doc.id}, ${doc.mimeType}, ${doc.content.length} characters)`;
    if (shown.length < doc.content.length) {
      truncated.push({ id: doc.id, name: doc.name, shownChars: shown.length, totalChars: doc.content.length });
      const note =
        shown.length === 0
          ? `Not inlined: the prompt's document limit of ${MAX_CONTEXT_CHARS} characters is used up. Read it with read_document.`
          : `Truncated: showing the first ${shown.length} of ${doc.content.length} characters. Read the rest with read_document.`;
      parts.push(shown.length ? `${header}\n<document>\n${shown}\n</document>\n${note}` : `${header}\n${note}`);
    } else {
      parts.push(`${header}\n<document>\n${shown}\n</document>`);
    }
  });
  const summary = truncated.length
    ? `Truncated documents: ${truncated.map((t) => `${t.name} (${t.shownChars} of ${t.totalChars} characters shown)`).join('; ')}.\n\n`
    : '';
  const text = `--- Documents (${documents.length}) ---\n${summary}${parts.join('\n\n')}\n--- End of documents ---`;
  return { text, truncated, documentCount: documents.length };
}

function cutAtLine(content: string, limit: number): string {
  if (content.length <= limit) return content;
  if (limit <= 0) return '';
  const cut = content.slice(0, limit);
  const lastBreak = cut.lastIndexOf('\n');
  return lastBreak > limit * 0.8 ? cut.slice(0, lastBreak) : cut;
}
