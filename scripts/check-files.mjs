#!/usr/bin/env node
// Convention checks from STYLE.md that a script can decide, run before the test suites:
// module size, no TS enums, no bare `new Error(` in the engine, dependency direction, status
// columns written only by the transition functions, no allowGlobalContext, kebab-case TS file
// names, a repository that stands alone (no code, test or script reaches beside the clone). Prints each finding; exits 1 on any.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const problems = [];
const skipDirs = new Set(['node_modules', 'dist', 'build', '.svelte-kit', '.turbo', 'migrations', 'test-results', 'playwright-report', 'artifacts']);

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (skipDirs.has(name) || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (/\.(ts|svelte)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** The arguments of the call whose `(` is at `open`, split at top-level commas (strings and comments are not parsed: good enough for our own code). */
function callArguments(text, open) {
  const args = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch) && --depth === 0) return [...args, text.slice(start, i)];
    else if (ch === ',' && depth === 1) {
      args.push(text.slice(start, i));
      start = i + 1;
    }
  }
  return args;
}

// Status columns change only through the transition functions, which check the transition
// tables (workflows/run-store.ts, tasks/task-store.ts, schedules/firing-store.ts, db/tool-call-store.ts, db/assistant-store.ts over
// `transitionStatus` in db/direct-sql.ts). At run time updateRows, incrementRow and every
// MikroORM UPDATE refuse a status column; this finds such a write before it runs.
const STATUS_WRITERS = new Set([
  'packages/engine/src/db/direct-sql.ts',
  'packages/engine/src/workflows/run-store.ts',
  'packages/engine/src/tasks/task-store.ts',
  'packages/engine/src/schedules/firing-store.ts',
  'packages/engine/src/db/tool-call-store.ts',
  'packages/engine/src/db/assistant-store.ts',
]);
/** Update calls and the index of the argument holding the changed columns. */
const UPDATE_CALLS = [
  [/\bnativeUpdate\(/g, 2],
  [/\.update\(/g, 0],
  [/\bupdateRows\(/g, 3],
  [/\bincrementRow\(/g, 4],
];
function directStatusWrites(rel, text) {
  if (STATUS_WRITERS.has(rel)) return [];
  const found = [];
  if (/\btransitionStatus\(/.test(text)) found.push('calls transitionStatus (only the transition functions may)');
  if (/\bupdate\s+[\w${}.`"]+\s+set\s[^;]*?\bstatus\s*=/i.test(text)) found.push('SQL text that sets a status column');
  for (const [pattern, index] of UPDATE_CALLS)
    for (const match of text.matchAll(pattern)) {
      const changes = callArguments(text, match.index + match[0].length - 1)[index];
      if (changes && /(^|[\s{,])status\s*:/.test(changes))
        found.push(`${match[0].replace(/[\\.(]/g, '')} sets status at line ${text.slice(0, match.index).split('\n').length}`);
    }
  return found.map((f) => `${rel}: ${f}; status changes go through a transition function`);
}

// Rows are read and written only in packages/engine/src/db/ (the unit of work, the stores, the
// dialects): no other module of the engine or the apps imports MikroORM, holds an EntityManager
// or carries SQL text. Tests and the engine's testing/ helpers may use the stores and raw SQL.
const SQL_TEXT =
  /(['"`])[^'"`\n]*?\b(select\s[^'"`]*?\bfrom\b|insert\s+into\b|update\s+[\w${}.]+\s+set\b|delete\s+from\b|where\s+[\w.]+\s*(=|<|>|in\s*\(|is\s))/i;
/** A string or template literal that opens with a statement keyword (`select coalesce(${…}) …`). */
const SQL_STATEMENT_START = /['"`]\s*(select|insert\s+into|update\s+\S+\s+set|delete\s+from)\s/i;
function persistenceOutsideDb(rel, text) {
  if (!/^(packages\/engine\/src|apps\/[\w-]+\/src)\//.test(rel) || rel.startsWith('packages/engine/src/db/') || rel.startsWith('packages/engine/src/testing/'))
    return [];
  const found = [];
  if (/from ['"]@mikro-orm\//.test(text)) found.push('imports @mikro-orm');
  if (/\bEntityManager\b|\.em\b|\bem\.\w+\(/.test(text)) found.push('uses an EntityManager');
  if (SQL_TEXT.test(text) || SQL_STATEMENT_START.test(text)) found.push('contains SQL text');
  return found.map((f) => `${rel}: ${f}; rows are read and written only in packages/engine/src/db/ (call a store there)`);
}

const files = ['packages', 'apps', 'e2e'].flatMap((d) => walk(join(root, d)));
for (const file of files) {
  const rel = relative(root, file);
  const text = readFileSync(file, 'utf8');
  const isTest = /\.(test|spec|e2e)\.ts$/.test(rel) || rel.includes('/test/');
  const lines = text.split('\n').length;
  if (!isTest && lines > 400 && !/^(\/\/|\/\*\*?)[^\n]*(cannot split|why this file is long)/im.test(text.slice(0, 600)))
    problems.push(`${rel}: ${lines} lines (over 400 without a header saying why it cannot split)`);
  if (/^\s*(export\s+)?(const\s+)?enum\s+\w+/m.test(text)) problems.push(`${rel}: TS enum (use a const object and a type)`);
  if (text.includes('allowGlobalContext: true')) problems.push(`${rel}: allowGlobalContext`);
  if (rel.startsWith('packages/engine/src/') && !isTest && /new Error\(/.test(text.replace(/function assertNever[\s\S]*?\n}/, '')))
    problems.push(`${rel}: bare new Error( (use a StagentError subclass)`);
  if (rel.startsWith('packages/engine/src/') && /from ['"](graphql|@pothos\/|graphql-yoga|@stagent\/schema)/.test(text))
    problems.push(`${rel}: the engine imports GraphQL`);
  if (rel.startsWith('packages/schema/src/') && /from ['"](@mikro-orm\/|graphql-yoga|node:http)/.test(text))
    problems.push(`${rel}: the schema imports persistence or HTTP`);
  if (/from ['"]@stagent\/[a-z-]+\/src\//.test(text)) problems.push(`${rel}: deep import into another package's src`);
  if (rel.startsWith('packages/engine/src/') && !isTest) problems.push(...directStatusWrites(rel, text));
  if (!isTest && !/\/testing\//.test(rel)) problems.push(...persistenceOutsideDb(rel, text));
  const base = rel.split('/').pop();
  if (
    rel.endsWith('.ts') &&
    !/^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9-]+)*\.ts$/.test(base) &&
    !base.startsWith('+') &&
    !/^Migration\d+/.test(base) &&
    !/^[A-Z][A-Za-z0-9]*\.spec\.ts$/.test(base)
  )
    problems.push(`${rel}: file name is not kebab-case`);
  if (rel.endsWith('.svelte') && !base.startsWith('+') && !/^[A-Z][A-Za-z0-9]*\.svelte$/.test(base)) problems.push(`${rel}: Svelte components are PascalCase`);
}
// A user's clone has nothing beside it: tracked files other than prose must not reach into
// a sibling folder of the repository (the design notes beside it are not shipped).
const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
for (const rel of tracked) {
  if (rel.endsWith('.md') || rel === 'scripts/check-files.mjs') continue;
  let text;
  try {
    text = readFileSync(join(root, rel), 'utf8');
  } catch {
    continue; // deleted in the work tree, not yet committed
  }
  if (/\.\.\/shared(?![\w-])/.test(text)) problems.push(`${rel}: reads beside the repository (commit what it needs instead)`);
}
if (problems.length) {
  console.error(`Convention check: ${problems.length} finding(s)\n` + problems.map((p) => `- ${p}`).join('\n'));
  process.exit(1);
}
console.log(`Convention check: ${files.length} files, no findings.`);
