#!/usr/bin/env node
// `pnpm bench`: runs every package's benchmark in turn (engine, API, dashboard bundle size); each
// prints its figures and merges them into bench/results.json (a flat object of named numbers).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const steps = [
  ['engine', ['--filter', '@stagent/engine', 'bench']],
  ['api', ['--filter', '@stagent/api', 'bench']],
  ['web build', ['--filter', '@stagent/web', 'build']],
  ['web', ['--filter', '@stagent/web', 'bundle-size']],
];
let failed = 0;
for (const [name, args] of steps) {
  console.log(`\n== ${name} ==`);
  const result = spawnSync('pnpm', args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    failed += 1;
    console.error(`${name} benchmark failed (exit ${result.status}).`);
  }
}
console.log('\nbench/results.json:');
console.log(readFileSync(resolve(root, 'bench/results.json'), 'utf8'));
process.exit(failed ? 1 : 0);
