/**
 * The `stagent` command line. It only parses arguments and calls the command functions in
 * `commands/`; see `stagent help`.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_DATA_DIR_LABEL, StagentError } from '@stagent/engine';
import { estimateCommand } from './commands/estimate.js';
import { runCommand } from './commands/run.js';
import { serveCommand } from './commands/serve.js';
import { workflowsCommand } from './commands/workflows.js';
import { ConfigError, loadConfig } from './config.js';
import { databaseLabel, openEngine } from './engine-factory.js';
import { createLogger } from './telemetry/logger.js';

const USAGE = `Usage: stagent <command>

Commands:
  serve                              Start the API (HTTP + WebSocket on one port).
  run FILE [--runtime ID] [--watch]  Run a workflow file (YAML or JSON) with live progress;
                                     --watch runs it again whenever the file changes.
  estimate FILE [--runtime ID]       Print the pre-flight cost estimate of a workflow file.
  workflows                          List stored workflows.
  migrate                            Create or migrate the database.

Environment: HOST (127.0.0.1), PORT (4000), STAGENT_API_TOKEN, STAGENT_DEMO (0 = no demo data),
NODE_ENV (production = no GraphiQL), STAGENT_INTROSPECTION (0 = refuse __schema and __type),
STAGENT_DATA_DIR (${DEFAULT_DATA_DIR_LABEL}): where the database and the secret key live; every
command and \`pnpm start\` use the same one. STAGENT_DATABASE_URL (postgres://user:password@host:5432/db):
keep the rows in that PostgreSQL database instead (the secret key stays in STAGENT_DATA_DIR); a bad
URL or a server that does not answer is an error, never a fallback to SQLite. STAGENT_REDIS_URL
(redis://[:password@]host:6379): fan events out to every instance on the same database (\`serve\`, \`run\`);
without it they reach only subscribers of the process that made them. LOG_LEVEL (info): trace,
debug, info, warn, error or fatal for the JSON log on stderr. STAGENT_METRICS (1; 0 = no /metrics).
`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { runtime: { type: 'string' }, watch: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, file] = positionals;
  if (values.help || !command || command === 'help') {
    process.stdout.write(USAGE);
    return command || values.help ? 0 : 1;
  }
  const config = loadConfig();
  if (command === 'serve') {
    await serveCommand(config);
    return 0;
  }
  if ((command === 'run' || command === 'estimate') && !file) {
    process.stderr.write(`stagent ${command}: missing FILE (a YAML or JSON workflow file, see examples/).\n`);
    return 2;
  }
  if (!['run', 'estimate', 'workflows', 'migrate'].includes(command)) {
    process.stderr.write(`stagent: unknown command "${command}".\n\n${USAGE}`);
    return 2;
  }
  // The engine's messages (rare outside serve: warnings, errors) as JSON lines on stderr, away from the command's output.
  const logger = createLogger({ level: config.logLevel });
  // A run's events reach the other instances' subscribers; the other commands publish nothing live.
  const opened = await openEngine(config, { timers: command === 'run', fanOut: command === 'run', logger });
  const { engine } = opened;
  const abort = new AbortController();
  const onInt = () => abort.abort();
  process.once('SIGINT', onInt);
  try {
    await logger.secrets.follow(engine);
    if (command === 'migrate') {
      process.stdout.write(`Database ${databaseLabel(config)} is migrated.\n`);
      return 0;
    }
    if (command === 'workflows') return await workflowsCommand(engine);
    if (command === 'estimate') return await estimateCommand(engine, { file, runtimeId: values.runtime });
    await engine.start();
    await logger.secrets.refresh();
    return await runCommand(engine, { file, runtimeId: values.runtime, watch: values.watch, signal: abort.signal });
  } finally {
    process.off('SIGINT', onInt);
    logger.close();
    await opened.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError || (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`stagent: ${error.message}\n`);
      process.exit(2);
    }
    // Engine errors say what went wrong and what to do (e.g. a data file that is not a database).
    if (error instanceof StagentError) {
      process.stderr.write(`stagent: ${error.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`stagent: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
