#!/usr/bin/env node
// Convention checks from STYLE.md that a script can decide, run before the test suites:
// module size, no TS enums, no bare `new Error(` in the engine, dependency direction,
// no allowGlobalContext, kebab-case TS file names, a repository that stands alone (no code,
// test or script reaches beside the clone). Prints each finding; exits 1 on any.
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
  if (rel.startsWith('packages/engine/src/') && /from ['"](graphql|@pothos\/|graphql-yoga|@stagent\/schema)/.test(text)) problems.push(`${rel}: the engine imports GraphQL`);
  if (rel.startsWith('packages/schema/src/') && /from ['"](@mikro-orm\/|graphql-yoga|node:http)/.test(text)) problems.push(`${rel}: the schema imports persistence or HTTP`);
  if (/from ['"]@stagent\/[a-z-]+\/src\//.test(text)) problems.push(`${rel}: deep import into another package's src`);
  const base = rel.split('/').pop();
  if (rel.endsWith('.ts') && !/^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9-]+)*\.ts$/.test(base) && !base.startsWith('+') && !/^Migration\d+/.test(base) && !/^[A-Z][A-Za-z0-9]*\.spec\.ts$/.test(base))
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
  if (/\.\.\/shared\b/.test(text)) problems.push(`${rel}: reads beside the repository (commit what it needs instead)`);
}
if (problems.length) {
  console.error(`Convention check: ${problems.length} finding(s)\n` + problems.map((p) => `- ${p}`).join('\n'));
  process.exit(1);
}
console.log(`Convention check: ${files.length} files, no findings.`);
