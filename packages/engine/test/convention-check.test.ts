import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

// The repository's convention check (scripts/check-files.mjs) run on a small tree of its own, so
// that what it refuses is shown here rather than only on the real tree (which must have no finding).
const SCRIPT = join(import.meta.dirname, '../../../scripts/check-files.mjs');
const trees: string[] = [];
afterEach(() => {
  for (const tree of trees.splice(0)) rmSync(tree, { recursive: true, force: true });
});

/** Runs the check on a tree holding `files` (path → text); returns its exit code and output. */
function check(files: Record<string, string>): { code: number | null; output: string } {
  const root = mkdtempSync(join(tmpdir(), 'stagent-check-'));
  trees.push(root);
  for (const dir of ['scripts', 'packages', 'apps', 'e2e']) mkdirSync(join(root, dir), { recursive: true });
  copyFileSync(SCRIPT, join(root, 'scripts/check-files.mjs'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  execFileSync('git', ['init', '-q'], { cwd: root });
  const run = spawnSync(process.execPath, [join(root, 'scripts/check-files.mjs')], { cwd: root, encoding: 'utf8' });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('convention check: rows are read and written only in packages/engine/src/db/', () => {
  it('passes a domain module that calls a store, and SQL inside db/', () => {
    const result = check({
      'packages/engine/src/workflows/leases.ts': "import { runningRuns } from '../db/run-rows.js';\nexport const sweep = runningRuns;\n",
      'packages/engine/src/db/run-rows.ts': "export const sql = 'select id from workflow_runs where status = ?';\n",
    });
    expect(result.output).toContain('no findings');
    expect(result.code).toBe(0);
  });

  it('refuses a MikroORM import, an EntityManager and SQL text outside db/, in the engine and in the apps', () => {
    const result = check({
      'packages/engine/src/workflows/orm-user.ts': "import { wrap } from '@mikro-orm/core';\nexport const w = wrap;\n",
      'packages/engine/src/workflows/em-user.ts': 'export const read = (em: { find(): void }) => em.find();\n',
      'packages/engine/src/intelligence/raw-sql.ts': 'export const q = `\n  select sum(cost_micros) from usage_ledger`;\n',
      'apps/api/src/where-tail.ts': "export const tail = 'where run_id = ?';\n",
    });
    expect(result.code).toBe(1);
    expect(result.output).toContain('packages/engine/src/workflows/orm-user.ts: imports @mikro-orm');
    expect(result.output).toContain('packages/engine/src/workflows/em-user.ts: uses an EntityManager');
    expect(result.output).toContain('packages/engine/src/intelligence/raw-sql.ts: contains SQL text');
    expect(result.output).toContain('apps/api/src/where-tail.ts: contains SQL text');
  });

  it('leaves tests and the testing helpers alone, and prose that only looks like a where-clause', () => {
    const result = check({
      'packages/engine/src/workflows/leases.test.ts': "export const q = 'select * from workflow_runs where id = ?';\n",
      'packages/engine/src/testing/seed.ts': "export const q = 'insert into workflows (id) values (?)';\n",
      'apps/api/src/app.ts': "export const a = 'x';\n\n/** Where GraphQL is served (HTTP and WebSocket). */\nexport const b = 1;\n",
    });
    expect(result.output).toContain('no findings');
  });
});
