// Prints the first-load JavaScript of every page of the production build (gzip), and merges it
// into bench/results.json as web.firstLoadKbGzip.<page>. Run after `vite build`.
//
// First load of a page = the client entry (start + app), the root layout node, the page's node,
// and every chunk they import statically (dynamic imports load later and are not counted).
// Pages that show the workflow graph fetch its chunk as soon as they are shown (after first
// load): their total with the graph is printed beside it and kept as web.withGraphKbGzip.<page>.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const web = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repo = resolve(web, '../..');
const client = join(web, '.svelte-kit/output/client');
const manifestFile = join(client, '.vite/manifest.json');
const nodesDir = join(web, '.svelte-kit/generated/client-optimized/nodes');
const BUDGET_KB = 150;

if (!existsSync(manifestFile)) {
  console.error('No build found: run `pnpm --filter @stagent/web build` first.');
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
const entries = Object.entries(manifest);

const keyOf = (predicate) => entries.find(([key, value]) => predicate(key, value))?.[0];
const startKey = keyOf((key, v) => v.isEntry && key.endsWith('runtime/client/entry.js'));
const appKey = keyOf((key, v) => v.isEntry && key.endsWith('client-optimized/app.js'));
const nodeKey = (n) => keyOf((key) => key.endsWith(`client-optimized/nodes/${n}.js`));

/** Page name for a route file, e.g. src/routes/workflows/[id]/+page.svelte -> workflow-edit. */
function pageName(route) {
  const names = {
    workflows: 'workflows',
    'workflows/new': 'workflow-new',
    'workflows/[id]': 'workflow-edit',
    'workflows/[id]/runs/[runId]': 'run',
  };
  return names[route] ?? route.replaceAll(/[[\]]/g, '').replaceAll('/', '-');
}

// Map generated node files to the route whose +page.svelte they load.
const pages = [];
for (const file of readdirSync(nodesDir)) {
  const source = readFileSync(join(nodesDir, file), 'utf8');
  const match = source.match(/src\/routes\/(.*?)\/?\+page\.svelte/);
  if (match) pages.push({ node: file.replace('.js', ''), route: match[1] });
}

const sizes = new Map();
function gzipKb(file) {
  if (!sizes.has(file)) sizes.set(file, gzipSync(readFileSync(join(client, file))).length / 1024);
  return sizes.get(file);
}
function collect(key, seen) {
  if (!key || seen.has(key)) return;
  seen.add(key);
  for (const imported of manifest[key]?.imports ?? []) collect(imported, seen);
}

const graphKey = keyOf((key) => key.endsWith('lib/components/graph/WorkflowGraph.svelte'));
const totalKb = (keys) => Math.round([...keys].reduce((sum, key) => sum + gzipKb(manifest[key].file), 0) * 10) / 10;

const results = {};
const withGraph = {};
for (const { node, route } of pages.sort((a, b) => a.route.localeCompare(b.route))) {
  const seen = new Set();
  for (const key of [startKey, appKey, nodeKey(0), nodeKey(node)]) collect(key, seen);
  const page = pageName(route);
  results[page] = totalKb(seen);
  if (graphKey && [...seen].some((key) => manifest[key].dynamicImports?.includes(graphKey))) {
    collect(graphKey, seen);
    withGraph[page] = totalKb(seen);
  }
}

const width = Math.max(...Object.keys(results).map((k) => k.length));
console.log(`First-load JS per page (gzip, budget ${BUDGET_KB} kB):`);
for (const [page, kb] of Object.entries(results)) {
  const graph = withGraph[page] === undefined ? '' : `  (${withGraph[page].toFixed(1)} kB with the graph, fetched once the page shows)`;
  console.log(`  ${page.padEnd(width)}  ${kb.toFixed(1).padStart(6)} kB${kb > BUDGET_KB ? '  OVER BUDGET' : ''}${graph}`);
}

const benchFile = join(repo, 'bench/results.json');
let bench = {};
try {
  bench = JSON.parse(readFileSync(benchFile, 'utf8'));
} catch {
  bench = {};
}
// The file uses flat dotted keys ("engine.eventsPerSecond"); ours are web.firstLoadKbGzip.<page>.
for (const key of Object.keys(bench)) if (key.startsWith('web.firstLoadKbGzip.') || key.startsWith('web.withGraphKbGzip.')) delete bench[key];
for (const [page, kb] of Object.entries(results)) bench[`web.firstLoadKbGzip.${page}`] = kb;
for (const [page, kb] of Object.entries(withGraph)) bench[`web.withGraphKbGzip.${page}`] = kb;
writeFileSync(benchFile, `${JSON.stringify(bench, null, 2)}\n`);
console.log(`Written to ${benchFile}`);
if (process.argv.includes('--check') && Object.values(results).some((kb) => kb > BUDGET_KB)) process.exit(1);
