import type { EngineApi, EngineOptions } from '@stagent/engine';
import { createTestEngine, testDialect, type TestEngine } from '@stagent/engine/testing';
import { createApp, type App, type AppLogger } from '../src/app.js';
import { loadConfig, type ApiConfig } from '../src/config.js';

/** A GraphQL response as sent over HTTP. */
export interface GraphQLResponse<T = any> {
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown>; path?: (string | number)[] }[];
}

/** An app on a fresh `:memory:` engine, queried through `yoga.fetch` (no port). */
export interface TestApp extends TestEngine {
  app: App;
  config: ApiConfig;
  logged: { message: string; data?: Record<string, unknown> }[];
  /** POSTs an operation and returns the parsed body (asserts nothing). */
  gql<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** POSTs an operation and returns the raw response. */
  post(body: unknown, headers?: Record<string, string>): Promise<Response>;
  dispose(): Promise<void>;
}

/** Builds a test config (loopback, no token, no demo) with overrides. */
export function testConfig(overrides: Partial<ApiConfig> = {}): ApiConfig {
  return { ...loadConfig({ NODE_ENV: 'test', STAGENT_DEMO: '0' }), dataDir: ':memory:', port: 0, ...overrides };
}

/**
 * Starts an app over a test engine. `wrapEngine` lets a test put a proxy between the schema and
 * the engine (e.g. to make one method throw a plain Error).
 */
export async function createTestApp(
  options: {
    config?: Partial<ApiConfig>;
    wrapEngine?: (engine: EngineApi) => EngineApi;
    onQuery?: (sql: string) => void;
    readCache?: boolean;
    /** Engine options besides the database: provider env (base URLs, keys), retry policy, a data directory. */
    engine?: Pick<EngineOptions, 'env' | 'retry' | 'dataDir' | 'simulatedLatencyMs'>;
  } = {},
): Promise<TestApp> {
  const test = await createTestEngine({ ...options.engine, ...(options.onQuery ? { onQuery: options.onQuery } : {}), readCache: options.readCache });
  const config = testConfig(options.config);
  const logged: TestApp['logged'] = [];
  const logger: AppLogger = { info: () => {}, error: (message, data) => logged.push({ message, data }) };
  const app = createApp({ engine: options.wrapEngine ? options.wrapEngine(test.engine) : test.engine, config, logger });
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    Promise.resolve(
      app.yoga.fetch('http://stagent/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    );
  return {
    ...test,
    app,
    config,
    logged,
    post,
    async gql(query, variables, headers) {
      const response = await post({ query, variables }, headers);
      return (await response.json()) as GraphQLResponse;
    },
    async dispose() {
      await app.stop();
      await test.close();
    },
  };
}

/** Lets pending promise callbacks and I/O callbacks run (the engine persists events asynchronously). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * On PostgreSQL each statement is a round trip to the server, which a few event-loop turns do not
 * wait for (SQLite answers synchronously): there every clock step also waits a millisecond of
 * real time, so the clock does not run through its steps before the engine's writes land.
 */
const STEP_IO_WAIT_MS = testDialect() === 'postgres' ? 1 : 0;

/** Advances the manual clock in steps until `done()` holds (bounded: throws after `maxSteps`). */
export async function advanceUntil(test: TestEngine, done: () => boolean | Promise<boolean>, stepMs = 100, maxSteps = 5_000): Promise<void> {
  for (let i = 0; i < maxSteps; i++) {
    if (await done()) return;
    await test.clock.advance(stepMs);
    for (let j = 0; j < 5; j++) await flush();
    if (STEP_IO_WAIT_MS) await new Promise((resolve) => setTimeout(resolve, STEP_IO_WAIT_MS));
  }
  throw new Error(`condition not reached after ${maxSteps} clock steps`);
}

/** Fragment-free selections reused by tests. */
export const WORKFLOW_FIELDS = /* GraphQL */ `
  id name description pattern status runtimeId budgetUsd
  steps { id name prompt runtimeId modelId budgetUsd maxTurns documentIds }
  documents { stepId document { id name } }
`;

/** A valid definition on the simulated runtime (contract `WorkflowDefinitionInput`). */
export function definitionInput(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Research brief',
    description: 'Two steps on the simulator.',
    pattern: 'SEQUENCE',
    runtimeId: 'simulated',
    budgetUsd: 1,
    steps: [
      { id: 'gather', name: 'Gather', prompt: 'Gather the facts.' },
      { id: 'write', name: 'Write', prompt: 'Write the brief.', budgetUsd: 0.5 },
    ],
    ...overrides,
  };
}
