import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatabaseUnreadableError, ErrorCode } from '../errors.js';
import { openDatabase } from './orm.js';

describe('openDatabase', () => {
  it('refuses a file that is not a SQLite database with its path, and leaves it as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagent-orm-'));
    const file = join(dir, 'stagent.sqlite');
    writeFileSync(file, 'not a database');
    const error = await openDatabase({ dataDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseUnreadableError);
    expect(error).toMatchObject({ code: ErrorCode.UNAVAILABLE, path: file });
    expect((error as Error).message.startsWith(`${file} is not a readable Stagent database (SQLite: file is not a database). Move it aside`)).toBe(true);
    expect((error as Error).message).not.toMatch(/select|sqlite_master/i);
    expect(readFileSync(file, 'utf8')).toBe('not a database');
  });
});
