import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from './errors.js';
import { isBlankName } from './names.js';
import { createTestEngine, type TestEngine } from './testing/index.js';

describe('isBlankName', () => {
  it.each([
    ['empty', ''],
    ['spaces and tabs', ' \t\n'],
    ['no-break and ideographic spaces', '\u00A0\u3000'],
    ['zero-width space', '\u200B'],
    ['zero-width non-joiner and joiner', '\u200C\u200D'],
    ['word joiner', '\u2060'],
    ['byte-order mark', '\uFEFF'],
    ['all of them with spaces', ' \u200B\u200C \u200D\u2060\uFEFF '],
    ['soft hyphen and a variation selector', '\u00AD\uFE0F'],
  ])('%s is blank', (_, name) => {
    expect(isBlankName(name)).toBe(true);
  });

  it.each([
    ['a word', 'Report'],
    ['a word behind a zero-width space', '\u200BReport'],
    ['an emoji sequence joined by U+200D', '\u{1F468}\u200D\u{1F469}'],
    ['a single dot', '.'],
  ])('%s is a name', (_, name) => {
    expect(isBlankName(name)).toBe(false);
  });
});

describe('every name people give is held to it', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await createTestEngine();
  });
  afterAll(() => t.close());

  /** Only zero-width characters and spaces: U+200B, U+200C, U+200D, U+2060, U+FEFF. */
  const invisible = ' \u200B\u200C\u200D\u2060\uFEFF ';

  async function issuesOf(call: Promise<unknown>): Promise<[string | undefined, string, string][]> {
    const error = await call.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues.map((i) => [i.field?.join('.'), i.code, i.message]);
  }

  it('workflow and step names', async () => {
    const definition = { name: invisible, pattern: 'SEQUENCE', runtimeId: 'simulated', steps: [{ id: 'a', name: '\u200B', prompt: 'Do A.' }] };
    expect(await issuesOf(t.engine.createWorkflow(definition))).toEqual([
      ['name', 'INVALID_DEFINITION', 'Give the workflow a name; whitespace and zero-width characters alone do not count.'],
      ['steps.0.name', 'INVALID_DEFINITION', 'Give the step a name; whitespace and zero-width characters alone do not count.'],
    ]);
    expect(await t.engine.listWorkflows()).toMatchObject({ totalCount: 0 });
  });

  it('document names', async () => {
    expect(await issuesOf(t.engine.createDocument({ name: invisible, mimeType: 'text/plain', content: 'Facts.' }))).toEqual([
      ['name', 'INVALID_VALUE', 'Give the document a name; whitespace and zero-width characters alone do not count.'],
    ]);
    expect(await t.engine.listDocuments()).toEqual([]);
  });

  it('schedule names', async () => {
    expect(await issuesOf(t.engine.createSchedule({ name: '\uFEFF\u2060', prompt: 'Summarise the news.', expression: 'every day at 8am' }))).toEqual([
      ['name', 'INVALID_VALUE', 'Give the schedule a name; whitespace and zero-width characters alone do not count.'],
    ]);
    expect(await t.engine.listSchedules()).toEqual([]);
  });
});
