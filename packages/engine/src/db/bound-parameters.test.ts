import { afterEach, describe, expect, it } from 'vitest';
import { createTestEngine, type TestEngine } from '../testing/index.js';

let t: TestEngine | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** Text a person typed, with a NUL in it and a marker to look for in the statements. */
const typed = (what: string) => `user-${what}-7f3a\u0000after-the-nul`;

describe('statements bind their values', () => {
  it('stores text with a NUL intact through MikroORM and the direct path, and no statement carries a value', async () => {
    const statements: string[] = [];
    t = await createTestEngine({ onQuery: (sql) => statements.push(sql) });
    const document = await t.engine.createDocument({ name: typed('doc-name'), mimeType: 'text/plain', content: typed('doc-content') });
    expect(document.name).toBe(typed('doc-name'));
    expect(await t.engine.getDocumentContent(document.id)).toBe(typed('doc-content'));
    const workflow = await t.engine.createWorkflow({
      name: typed('wf-name'),
      description: typed('wf-description'),
      pattern: 'SEQUENCE',
      runtimeId: 'simulated',
      steps: [{ id: 's1', name: 'One', prompt: typed('step-prompt') }],
    });
    const stored = await t.engine.getWorkflow(workflow.id);
    expect([stored?.name, stored?.description, stored?.steps[0]?.prompt]).toEqual([typed('wf-name'), typed('wf-description'), typed('step-prompt')]);
    const schedule = await t.engine.createSchedule({
      name: typed('schedule-name'),
      prompt: typed('schedule-prompt'),
      expression: 'every day at 9am',
      runtimeId: 'simulated',
    });
    const schedules = await t.engine.listSchedules();
    expect(schedules.find((s) => s.id === schedule.id)).toMatchObject({ name: typed('schedule-name'), prompt: typed('schedule-prompt') });
    expect(statements.length).toBeGreaterThan(5);
    expect(statements.filter((sql) => sql.includes('7f3a') || sql.includes('\u0000'))).toEqual([]);
  });

  it('reports a failed statement with its placeholders, not its values', async () => {
    t = await createTestEngine();
    const document = await t.engine.createDocument({ name: 'first', mimeType: 'text/plain', content: typed('secret-content') });
    // A second row with the same primary key fails in SQLite: the error must not quote the row.
    const error = await t.engine.resources.orm.em
      .getConnection()
      .execute('insert into documents (id, created_at, name, mime_type, content, size_bytes) values (?, ?, ?, ?, ?, ?)', [
        document.id,
        1,
        'again',
        'text/plain',
        typed('secret-content'),
        1,
      ])
      .catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/values \(\?, \?, \?, \?, \?, \?\)/);
    expect((error as Error).message).not.toContain('7f3a');
  });
});
