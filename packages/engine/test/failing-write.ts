import { testDialect, type TestEngine } from '@stagent/engine/testing';

export interface RefusedWrite {
  /** The trigger's name (and, on PostgreSQL, its function's). */
  name: string;
  table: string;
  on: 'insert' | 'update';
  /** A condition on `new` that both dialects read the same (e.g. `new.status = 'RUNNING'`); every row when absent. */
  when?: string;
  /** The error text the refused statement fails with. */
  message: string;
}

/**
 * A real failing write for a test: from now on the database refuses the statement with
 * `message`, through a trigger in the test engine's dialect. SQLite aborts in the trigger body
 * (`raise(abort, …)`); PostgreSQL needs a plpgsql function that raises, called by a row trigger.
 */
export async function refuseWrites(t: TestEngine, refused: RefusedWrite): Promise<void> {
  const { name, table, on, when, message } = refused;
  const text = `'${message.replace(/'/g, "''")}'`;
  const connection = t.engine.resources.orm.em.getConnection();
  if (testDialect() === 'postgres') {
    await connection.execute(`create function ${name}() returns trigger language plpgsql as $$ begin raise exception ${text}; end $$`);
    await connection.execute(`create trigger ${name} before ${on} on ${table} for each row ${when ? `when (${when}) ` : ''}execute function ${name}()`);
    return;
  }
  await connection.execute(`create trigger ${name} before ${on} on ${table} ${when ? `when ${when} ` : ''}begin select raise(abort, ${text}); end`);
}
