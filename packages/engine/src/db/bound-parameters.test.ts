import { afterEach, describe, expect, it } from 'vitest';
import { createTestEngine, testDialect, type TestEngine } from '../testing/index.js';

let t: TestEngine | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** Text a person typed, with a NUL in it and a marker to look for in the statements. */
const typed = (what: string) => `user-${what}-7f3a\u0000after-the-nul`;

/**
 * Text as the database gives it back: SQLite keeps a NUL; PostgreSQL cannot store one, and the
 * engine binds U+FFFD in its place (see `dialects/postgres/postgres-text.ts`).
 */
const postgres = testDialect() === 'postgres';
const asStored = (text: string) => (postgres ? text.replaceAll('\u0000', '\uFFFD') : text);

describe('statements bind their values', () => {
  it(`stores text with a NUL ${postgres ? 'as U+FFFD' : 'intact'} through MikroORM and the direct path, and no statement carries a value`, async () => {
    const statements: string[] = [];
    t = await createTestEngine({ onQuery: (sql) => statements.push(sql) });
    const document = await t.engine.createDocument({ name: typed('doc-name'), mimeType: 'text/plain', content: typed('doc-content') });
    // The created view is the input as given; read back, it is what the database stored.
    expect(document.name).toBe(typed('doc-name'));
    expect((await t.engine.getDocuments([document.id]))[0]?.name).toBe(asStored(typed('doc-name')));
    expect(await t.engine.getDocumentContent(document.id)).toBe(asStored(typed('doc-content')));
    const workflow = await t.engine.createWorkflow({
      name: typed('wf-name'),
      description: typed('wf-description'),
      pattern: 'SEQUENCE',
      runtimeId: 'simulated',
      steps: [{ id: 's1', name: 'One', prompt: typed('step-prompt') }],
    });
    const stored = await t.engine.getWorkflow(workflow.id);
    expect([stored?.name, stored?.description, stored?.steps[0]?.prompt]).toEqual(
      [typed('wf-name'), typed('wf-description'), typed('step-prompt')].map(asStored),
    );
    const schedule = await t.engine.createSchedule({
      name: typed('schedule-name'),
      prompt: typed('schedule-prompt'),
      expression: 'every day at 9am',
      runtimeId: 'simulated',
    });
    const schedules = await t.engine.listSchedules();
    expect(schedules.find((s) => s.id === schedule.id)).toMatchObject({ name: asStored(typed('schedule-name')), prompt: asStored(typed('schedule-prompt')) });
    expect(statements.length).toBeGreaterThan(5);
    expect(statements.filter((sql) => sql.includes('7f3a') || sql.includes('\u0000') || sql.includes('\uFFFD'))).toEqual([]);
  });

  it('reports a failed statement with its placeholders, not its values', async () => {
    t = await createTestEngine();
    const document = await t.engine.createDocument({ name: 'first', mimeType: 'text/plain', content: typed('secret-content') });
    // A second row with the same primary key fails: the error must not quote the row.
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
    expect((error as Error).message).toMatch(postgres ? /values \(\$1, \$2, \$3, \$4, \$5, \$6\) - duplicate key value/ : /values \(\?, \?, \?, \?, \?, \?\)/);
    expect((error as Error).message).not.toContain('7f3a');
  });

  it(`runs a model answer with a NUL to the end and stores it ${postgres ? 'with U+FFFD in its place' : 'intact'}: the step output, its deltas and the events`, async () => {
    t = await createTestEngine();
    const answer = 'Column one\u0000column two\u0000.';
    t.engine.simulated.script({ match: 'Answer with a NUL.', script: { turns: [{ text: answer, inputTokens: 10, outputTokens: 10 }] } });
    const wf = await t.engine.createWorkflow({
      name: 'nul',
      pattern: 'SEQUENCE',
      runtimeId: 'simulated',
      steps: [{ id: 'a', name: 'Answer', prompt: 'Answer with a NUL.' }],
    });
    const run = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    expect(run).toMatchObject({ status: 'COMPLETED', error: null });
    expect(run.steps[0]).toMatchObject({ status: 'COMPLETED', output: asStored(answer) });
    const events = await t.engine.listEvents(wf.id);
    const deltas = events.filter((e) => e.kind === 'STEP_OUTPUT_DELTA').map((e) => e.outputDelta);
    expect(deltas.join('')).toBe(asStored(answer));
    expect(events.at(-1)!.kind).toBe('RUN_COMPLETED');
  });
});
