import type { AgentTool } from './runtime.js';

/**
 * Tools the direct runtimes give an agent: reading and searching the documents bound to its
 * step, and `finish`, with which a loop agent says it is done. Results are plain text for the
 * model; a bad input yields an explanatory result (the model can correct itself), never a throw.
 */

/** A document bound to a step, as the tools see it. */
export interface BoundDocument {
  id: string;
  name: string;
  content: string;
}

/** Tool names, so the engine and prompts refer to them without typos. */
export const AgentToolName = {
  READ_DOCUMENT: 'read_document',
  SEARCH_DOCUMENTS: 'search_documents',
  FINISH: 'finish',
} as const;
export type AgentToolName = (typeof AgentToolName)[keyof typeof AgentToolName];

/** Characters `read_document` returns per call unless asked otherwise (about 3,000 tokens). */
const READ_PAGE_CHARS = 12_000;
/** Characters of context shown around each search hit. */
const SNIPPET_RADIUS = 160;

function findDocument(docs: BoundDocument[], ref: unknown): BoundDocument | undefined {
  if (typeof ref !== 'string') return undefined;
  const wanted = ref.trim().toLowerCase();
  return docs.find((d) => d.id === ref) ?? docs.find((d) => d.name.toLowerCase() === wanted);
}

function catalogue(docs: BoundDocument[]): string {
  return docs.length ? docs.map((d) => `- ${d.id}: ${d.name} (${d.content.length} chars)`).join('\n') : '(no documents are bound to this step)';
}

/** `read_document`: a document's text by id or name, paged with `offset`/`limit` in characters. */
export function readDocumentTool(docs: BoundDocument[]): AgentTool {
  return {
    name: AgentToolName.READ_DOCUMENT,
    description: `Read a document bound to this step, by id or name. Long documents are returned in pages of ${READ_PAGE_CHARS} characters; pass offset to read on.`,
    inputSchema: {
      type: 'object',
      properties: {
        id: { type: 'string', description: 'Document id or exact name.' },
        offset: { type: 'integer', minimum: 0, description: 'Character offset to start at (default 0).' },
        limit: { type: 'integer', minimum: 1, description: `Characters to return (default ${READ_PAGE_CHARS}).` },
      },
      required: ['id'],
    },
    async run(input) {
      const doc = findDocument(docs, input.id);
      if (!doc) return `No document "${String(input.id)}". Bound documents:\n${catalogue(docs)}`;
      const offset = Math.max(0, Math.trunc(Number(input.offset ?? 0)) || 0);
      const limit = Math.max(1, Math.trunc(Number(input.limit ?? READ_PAGE_CHARS)) || READ_PAGE_CHARS);
      const page = doc.content.slice(offset, offset + limit);
      const next = offset + page.length;
      const more = next < doc.content.length ? `\n[characters ${offset}-${next} of ${doc.content.length}; call again with offset ${next} to read on]` : '';
      return `# ${doc.name}\n${page}${more}`;
    },
  };
}

function terms(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** `search_documents`: ranks bound documents by query-term hits and shows a snippet around the best hit of each. */
export function searchDocumentsTool(docs: BoundDocument[]): AgentTool {
  return {
    name: AgentToolName.SEARCH_DOCUMENTS,
    description: 'Search the documents bound to this step for words; returns the best-matching documents with a snippet each.',
    inputSchema: {
      type: 'object',
      properties: {
        query: { type: 'string', description: 'Words to look for.' },
        limit: { type: 'integer', minimum: 1, maximum: 20, description: 'Most documents to return (default 5).' },
      },
      required: ['query'],
    },
    async run(input) {
      const query = [...new Set(terms(String(input.query ?? '')))];
      if (query.length === 0) return 'Give a query with at least one word.';
      const limit = Math.min(20, Math.max(1, Math.trunc(Number(input.limit ?? 5)) || 5));
      const ranked = docs
        .map((doc) => {
          const words = terms(`${doc.name} ${doc.content}`);
          const counts = new Map<string, number>();
          for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
          // Term frequency normalised by length, so one long document does not win every query.
          const score = query.reduce((s, q) => s + (counts.get(q) ?? 0), 0) / Math.sqrt(words.length || 1);
          const matched = query.filter((q) => counts.has(q)).length;
          return { doc, score, matched };
        })
        .filter((r) => r.matched > 0)
        .sort((a, b) => b.matched - a.matched || b.score - a.score)
        .slice(0, limit);
      if (ranked.length === 0) return `No bound document mentions "${String(input.query)}". Bound documents:\n${catalogue(docs)}`;
      return ranked.map((r) => `## ${r.doc.name} (id ${r.doc.id}; ${r.matched}/${query.length} terms)\n${snippet(r.doc.content, query)}`).join('\n\n');
    },
  };
}

function snippet(content: string, query: string[]): string {
  const lower = content.toLowerCase();
  const at =
    query
      .map((q) => lower.indexOf(q))
      .filter((i) => i >= 0)
      .sort((a, b) => a - b)[0] ?? 0;
  const start = Math.max(0, at - SNIPPET_RADIUS);
  const end = Math.min(content.length, at + SNIPPET_RADIUS);
  return `${start > 0 ? '…' : ''}${content.slice(start, end).trim()}${end < content.length ? '…' : ''}`;
}

/** `finish`: the agent says it is done; the task completes after this turn (`endsTask`). */
export function finishTool(): AgentTool {
  return {
    name: AgentToolName.FINISH,
    description: 'Call when the task is complete and nothing remains to do. Put your final answer in your message text before calling it.',
    inputSchema: {
      type: 'object',
      properties: { summary: { type: 'string', description: 'One sentence on what was done.' } },
    },
    endsTask: true,
    async run(input) {
      return typeof input.summary === 'string' && input.summary ? `Finished: ${input.summary}` : 'Finished.';
    },
  };
}

/** The standard tool set for a step: document tools when documents are bound, and `finish` when asked for. */
export function createAgentTools(opts: { documents: BoundDocument[]; finish?: boolean }): AgentTool[] {
  const tools: AgentTool[] = [];
  if (opts.documents.length > 0) tools.push(readDocumentTool(opts.documents), searchDocumentsTool(opts.documents));
  if (opts.finish) tools.push(finishTool());
  return tools;
}
