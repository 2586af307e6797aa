import { redactSecrets, runTraceContext, SecretValues, type Engine, type EngineTelemetry, type Logger as EngineLogger } from '@stagent/engine';
import { pino } from 'pino';
import type { AppLogger } from '../app.js';
import type { LogLevel } from '../config.js';

/**
 * The JSON log (issue #18): one pino line per message on stderr (stdout is the CLI's), at the
 * level of LOG_LEVEL, with `workflowId`, `runId`, `stepId` when the message concerns them and the
 * run's `trace_id` (the id its spans carry). No secret reaches it: values under credential-like
 * keys are censored by pino, and every finished line loses every configured secret value and
 * key-shaped token through the engine's own redactor (`redactSecrets`, as provider errors do).
 */

/** Keys whose values never reach the log, where they sit at the top of a line's data or one level down. */
const SECRET_KEYS = ['apiKey', 'api_key', 'authorization', 'Authorization', 'headers', 'env', 'token', 'password', 'secret', 'cookie'];
const REDACT_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`]);

/** How often the secret values are read again besides after this process changes them: settings written by another instance. */
const REFRESH_MS = 10_000;

/**
 * Secrets known from the configuration itself, before the engine opens: the token, the provider
 * keys of the environment, the key that seals settings, and the passwords in database and Redis URLs.
 */
export function configuredSecrets(env: NodeJS.ProcessEnv): string[] {
  const values = ['STAGENT_API_TOKEN', 'ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'STAGENT_SECRET_KEY'].map((name) => env[name]?.trim() ?? '');
  for (const name of ['STAGENT_DATABASE_URL', 'STAGENT_REDIS_URL']) {
    try {
      values.push(decodeURIComponent(new URL(env[name]?.trim() ?? '').password));
    } catch {
      // Not a URL (start-up refuses it with its own message): no password to look for.
    }
  }
  return values.filter(Boolean);
}

/**
 * The secret values a log line is cleaned of. Reading them is asynchronous (secret settings are
 * stored sealed) and a log line is written synchronously, so the list is kept: refreshed when the
 * engine opens, after this process changes settings or MCP servers ({@link LogSecrets.watch}),
 * and every {@link REFRESH_MS}.
 */
export class LogSecrets {
  private current: readonly string[];
  private source: SecretValues | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly fromConfig: readonly string[]) {
    this.current = withJsonForms(fromConfig);
  }

  /** The values to remove, each also as it reads inside a JSON string. */
  values(): readonly string[] {
    return this.current;
  }

  /** From now on also the engine's secrets: the secret settings, MCP servers' env and header values, the environment's credentials. */
  async follow(engine: Pick<Engine, 'settings' | 'mcpServers'>, env: NodeJS.ProcessEnv = process.env): Promise<void> {
    this.source = new SecretValues(engine.settings, env, () => engine.mcpServers.secretValues());
    await this.refresh();
    this.timer ??= setInterval(() => void this.refresh().catch(() => undefined), REFRESH_MS).unref();
  }

  /** Reads the engine's secrets again. */
  async refresh(): Promise<void> {
    if (this.source) this.current = withJsonForms([...this.fromConfig, ...(await this.source.list())]);
  }

  /** `engine`, whose calls that change secrets refresh the list before they resolve (so the next line already loses a key just set). */
  watch<T extends object>(engine: T): T {
    const changes = new Set<PropertyKey>(['updateSettings', 'createMcpServer', 'updateMcpServer', 'deleteMcpServer']);
    return new Proxy(engine, {
      get: (target, key, receiver) => {
        const value: unknown = Reflect.get(target, key, receiver);
        if (!changes.has(key) || typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          const result: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(receiver, args);
          await this.refresh().catch(() => undefined);
          return result;
        };
      },
    });
  }

  /** Stops the periodic refresh. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** Each value, and the form it takes inside a JSON string when it holds quotes, backslashes or control characters. */
function withJsonForms(values: readonly string[]): string[] {
  return [...new Set(values.flatMap((v) => [v, JSON.stringify(v).slice(1, -1)]))];
}

/** A logger for the API (`AppLogger`) and the engine (`Engine.open({ logger })`), with debug for call-by-call lines. */
export interface JsonLogger extends EngineLogger, AppLogger {
  debug(message: string, data?: Record<string, unknown>): void;
  /** The values every line is cleaned of: {@link LogSecrets.follow} the engine once it is open. */
  readonly secrets: LogSecrets;
  /** The pino logger under it. */
  readonly pino: pino.Logger;
  /** Stops the secrets' refresh timer (the destination is synchronous: nothing waits to be written). */
  close(): void;
}

/**
 * A JSON logger at `level`, writing to `destination` (default: stderr, synchronously, so a line
 * written just before an exit is not lost). `env` names the secrets known before the engine opens.
 */
export function createLogger(options: { level: LogLevel; env?: NodeJS.ProcessEnv; destination?: pino.DestinationStream }): JsonLogger {
  const secrets = new LogSecrets(configuredSecrets(options.env ?? process.env));
  const log = pino(
    {
      level: options.level,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      // The run's trace id beside its id: a line found by trace_id in the log store leads to the run's spans, and back.
      mixin: (data) => {
        const runId = (data as { runId?: unknown }).runId;
        return typeof runId === 'string' && runId ? { trace_id: runTraceContext(runId).traceId } : {};
      },
      hooks: { streamWrite: (line) => redactSecrets(line, secrets.values()) },
    },
    options.destination ?? pino.destination({ dest: 2, sync: true }),
  );
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, data?: Record<string, unknown>): void =>
      data ? log[level](data, message) : log[level](message);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), secrets, pino: log, close: () => secrets.close() };
}

/** Milliseconds between two epoch-ms times, for log lines. */
function durationMs(startedAt: number, endedAt: number): number {
  return Math.max(0, endedAt - startedAt);
}

/**
 * An {@link EngineTelemetry} consumer that logs the engine's work: each run and step attempt that
 * ends (info; warn when it failed), each model call and tool call (debug). Every line names its
 * workflow, run and step, so `trace_id` follows.
 */
export function loggingTelemetry(logger: Pick<JsonLogger, 'debug' | 'info' | 'warn'>): EngineTelemetry {
  return {
    tracing: false,
    modelCall(c) {
      logger.debug('model call', {
        workflowId: c.workflowId,
        runId: c.runId,
        stepId: c.stepId,
        taskId: c.taskId,
        taskKind: c.taskKind,
        runtimeId: c.runtimeId,
        model: c.model,
        turn: c.turn,
        inputTokens: c.inputTokens,
        outputTokens: c.outputTokens,
        costUsd: c.costUsd,
        durationMs: durationMs(c.startedAt, c.endedAt),
      });
    },
    toolCall(c) {
      logger.debug('tool call', { workflowId: c.workflowId, runId: c.runId, stepId: c.stepId, taskId: c.taskId, tool: c.toolName, status: c.status });
    },
    stepEnded(s) {
      logger[s.status === 'FAILED' ? 'warn' : 'info']('step ended', {
        workflowId: s.workflowId,
        runId: s.runId,
        stepId: s.stepId,
        attempt: s.attempt,
        status: s.status,
        failureCategory: s.failureCategory,
        runtimeId: s.runtimeId,
        model: s.model,
        costUsd: s.costUsd,
        turns: s.turns,
        durationMs: durationMs(s.startedAt, s.endedAt),
      });
    },
    runEnded(r) {
      logger[r.status === 'FAILED' ? 'warn' : 'info']('run ended', {
        workflowId: r.workflowId,
        runId: r.runId,
        runNumber: r.runNumber,
        status: r.status,
        failureCategory: r.failureCategory,
        costUsd: r.costUsd,
        durationMs: durationMs(r.startedAt, r.endedAt),
      });
    },
    taskEnded(t) {
      logger[t.status === 'FAILED' ? 'warn' : 'info'](t.taskKind === 'ASSISTANT' ? 'assistant answer ended' : 'schedule prompt ended', {
        taskId: t.taskId,
        status: t.status,
        failureCategory: t.failureCategory,
        runtimeId: t.runtimeId,
        model: t.model,
        costUsd: t.costUsd,
        turns: t.turns,
        durationMs: durationMs(t.startedAt, t.endedAt),
      });
    },
  };
}
