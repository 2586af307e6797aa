// Keeps src/lib/graphql/schema.graphql in step with the API's printed schema and regenerates the
// gql.tada introspection types (graphql-env.d.ts) from it. Source: packages/schema/schema.graphql
// (printed from Pothos, a superset of the committed contract).
// Both outputs are generated (gitignored): every build, typecheck and test runs this first.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repo = resolve(web, '../..');
const target = resolve(web, 'src/lib/graphql/schema.graphql');
const output = resolve(web, 'src/lib/graphql/graphql-env.d.ts');
const printed = resolve(repo, 'packages/schema/schema.graphql');

const source = existsSync(printed) ? printed : undefined;
let changed = false;
if (source) {
  const sdl = readFileSync(source, 'utf8');
  if (!existsSync(target) || readFileSync(target, 'utf8') !== sdl) {
    writeFileSync(target, sdl);
    changed = true;
  }
  console.log(`schema: ${source}${changed ? ' (updated)' : ''}`);
} else if (!existsSync(target)) {
  throw new Error('No schema found: expected packages/schema/schema.graphql (run `pnpm --filter @stagent/schema print-schema`)');
}

if (changed || !existsSync(output)) {
  // tsconfig.json extends .svelte-kit/tsconfig.json, which a clean clone does not have yet.
  if (!existsSync(resolve(web, '.svelte-kit/tsconfig.json'))) {
    const { execFileSync } = await import('node:child_process');
    execFileSync(resolve(web, 'node_modules/.bin/svelte-kit'), ['sync'], { cwd: web, stdio: 'inherit' });
  }
  const { generateOutput } = await import('@gql.tada/cli-utils');
  await generateOutput({ output: undefined, tsconfig: resolve(web, 'tsconfig.json'), disablePreprocessing: false });
}
