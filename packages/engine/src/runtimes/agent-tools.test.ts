import { describe, expect, it } from 'vitest';
import { createAgentTools, finishTool, readDocumentTool, searchDocumentsTool } from './agent-tools.js';

const docs = [
  { id: 'd1', name: 'pricing.md', content: 'Our pricing: the Pro plan costs $20 per month. Enterprise pricing is custom.' },
  { id: 'd2', name: 'faq.md', content: 'How do I reset my password? Use the login page. Billing questions go to support.' },
  { id: 'd3', name: 'long.txt', content: 'x'.repeat(30_000) },
];
const signal = new AbortController().signal;

describe('agent tools', () => {
  it('read_document returns a document by id or name, paged for long ones', async () => {
    const read = readDocumentTool(docs);
    expect(await read.run({ id: 'd1' }, signal)).toBe(`# pricing.md\n${docs[0]!.content}`);
    expect(await read.run({ id: 'FAQ.md' }, signal)).toContain('reset my password');
    const page = await read.run({ id: 'd3' }, signal);
    expect(page).toContain('[characters 0-12000 of 30000; call again with offset 12000 to read on]');
    expect(await read.run({ id: 'd3', offset: 29_990 }, signal)).toBe(`# long.txt\n${'x'.repeat(10)}`);
  });

  it('read_document lists the bound documents when the id is unknown', async () => {
    const out = await readDocumentTool(docs).run({ id: 'nope' }, signal);
    expect(out).toContain('No document "nope"');
    expect(out).toContain('- d2: faq.md');
  });

  it('search_documents ranks documents by matched terms and shows a snippet', async () => {
    const out = await searchDocumentsTool(docs).run({ query: 'pricing plan' }, signal);
    expect(out.split('\n')[0]).toBe('## pricing.md (id d1; 2/2 terms)');
    expect(out).toContain('Pro plan costs $20');
    expect(out).not.toContain('faq.md');
    expect(await searchDocumentsTool(docs).run({ query: 'kubernetes' }, signal)).toContain('No bound document mentions "kubernetes"');
    expect(await searchDocumentsTool(docs).run({ query: '  ' }, signal)).toBe('Give a query with at least one word.');
  });

  it('finish ends the task', async () => {
    const finish = finishTool();
    expect(finish.endsTask).toBe(true);
    expect(await finish.run({ summary: 'wrote the report' }, signal)).toBe('Finished: wrote the report');
  });

  it('createAgentTools gives document tools only when documents are bound', () => {
    expect(createAgentTools({ documents: [], finish: true }).map((t) => t.name)).toEqual(['finish']);
    expect(createAgentTools({ documents: docs }).map((t) => t.name)).toEqual(['read_document', 'search_documents']);
  });
});
