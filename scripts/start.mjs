#!/usr/bin/env node
// `pnpm start`: builds the dashboard, starts the API (with demo data on an empty database) and
// the dashboard server in front of it, and prints the URL. Ctrl-C stops both.
//   WEB_PORT (3000)  API_PORT (4000)  HOST (127.0.0.1)  STAGENT_DATA_DIR (~/.stagent)  STAGENT_DEMO (1)
// The API resolves the data directory itself, as every `stagent` command does, so the dashboard
// shows what `pnpm stagent run …` wrote.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const host = process.env.HOST ?? '127.0.0.1';
const apiPort = process.env.API_PORT ?? '4000';
const webPort = process.env.WEB_PORT ?? '3000';
// A relative STAGENT_DATA_DIR is meant from where `pnpm start` ran, not from apps/api, where the API runs.
const env = process.env.STAGENT_DATA_DIR ? { ...process.env, STAGENT_DATA_DIR: resolve(process.env.STAGENT_DATA_DIR) } : process.env;

if (!process.env.STAGENT_SKIP_BUILD || !existsSync(resolve(root, 'apps/web/build/index.js'))) {
  console.log('Building the dashboard…');
  const built = spawnSync('pnpm', ['--filter', '@stagent/web', 'build'], { cwd: root, stdio: 'inherit', env });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const children = [];
function start(name, command, args, extraEnv) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: { ...env, ...extraEnv } });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`${name} stopped (${signal ?? code}); stopping the rest.`);
    shutdown(code ?? 1);
  });
  children.push(child);
}

let stopping = false;
function shutdown(code = 0) {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

start('API', 'pnpm', ['--filter', '@stagent/api', 'start'], { HOST: host, PORT: apiPort });
start('dashboard', 'node', ['apps/web/server.js'], { HOST: host, PORT: webPort, API_URL: `http://127.0.0.1:${apiPort}` });
console.log(`\nStagent is starting: dashboard http://${host}:${webPort}  ·  GraphQL http://${host}:${apiPort}/graphql\n`);
