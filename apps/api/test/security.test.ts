import type { EngineApi } from '@stagent/engine';
import { createClient } from 'graphql-ws';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApp } from '../src/app.js';
import { assertSafeBinding, ConfigError, isLoopbackHost, loadConfig } from '../src/config.js';
import { defaultOperationLimits } from '../src/operation-limits.js';
import { createTestApp, testConfig, type TestApp } from './harness.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

/** Connects a graphql-ws client and resolves with how the connection ended (ack, or close code). */
function connect(url: string, connectionParams?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ acked: boolean; code?: number }> {
  // A proxy (the dashboard server) sends the token on the upgrade request, not in connectionParams.
  class WebSocketWithHeaders extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  }
  return new Promise((resolve) => {
    const client = createClient({
      url,
      webSocketImpl: headers ? WebSocketWithHeaders : WebSocket,
      retryAttempts: 0,
      lazy: false,
      connectionParams,
      on: {
        connected: () => {
          resolve({ acked: true });
          void client.dispose();
        },
        closed: (event) => resolve({ acked: false, code: (event as { code: number }).code }),
      },
      onNonLazyError: () => {},
    });
  });
}

describe('binding and tokens', () => {
  it('refuses a non-loopback host without a token', async () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('::1')).toBe(true);
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('0.0.0.0')).toBe(false);
    expect(isLoopbackHost('192.168.1.10')).toBe(false);
    expect(() => assertSafeBinding({ host: '0.0.0.0', apiToken: null })).toThrow(ConfigError);
    expect(() => assertSafeBinding({ host: '0.0.0.0', apiToken: 'secret' })).not.toThrow();
    t = await createTestApp();
    expect(() => createApp({ engine: t!.engine, config: testConfig({ host: '0.0.0.0', apiToken: null }) })).toThrow(/STAGENT_API_TOKEN/);
    await expect(t.app.start(0, '0.0.0.0')).rejects.toThrow(ConfigError);
  });

  it('reads HOST, PORT, STAGENT_DATA_DIR, STAGENT_API_TOKEN and NODE_ENV', () => {
    const config = loadConfig({ HOST: '0.0.0.0', PORT: '4100', STAGENT_DATA_DIR: '/tmp/x', STAGENT_API_TOKEN: 't0k', NODE_ENV: 'production' });
    expect(config).toMatchObject({ host: '0.0.0.0', port: 4100, dataDir: '/tmp/x', apiToken: 't0k', production: true });
    expect(loadConfig({})).toMatchObject({ host: '127.0.0.1', port: 4000, apiToken: null, production: false, demo: true });
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
  });

  it('reads STAGENT_MAX_UNREAD_BYTES (default 8 MiB) and refuses values that are no byte count in range', () => {
    expect(loadConfig({}).maxUnreadBytes).toBe(8 * 1024 * 1024);
    expect(loadConfig({ STAGENT_MAX_UNREAD_BYTES: '1048576' }).maxUnreadBytes).toBe(1024 * 1024);
    for (const bad of ['lots', '1.5', '1024', String(2 * 1024 * 1024 * 1024)]) {
      expect(() => loadConfig({ STAGENT_MAX_UNREAD_BYTES: bad })).toThrow(
        `STAGENT_MAX_UNREAD_BYTES must be an integer from 65536 to 1073741824, got "${bad}".`,
      );
    }
  });

  it('with a token: HTTP without Bearer is 401, with it 200; the health check stays open', async () => {
    t = await createTestApp({ config: { apiToken: 's3cret-token' } });
    const port = await t.app.start(0, '127.0.0.1');
    const url = `http://127.0.0.1:${port}/graphql`;
    const body = JSON.stringify({ query: '{ __typename }' });
    const none = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/Bearer/);
    const wrong = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer nope' }, body });
    expect(wrong.status).toBe(401);
    const right = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer s3cret-token' }, body });
    expect(right.status).toBe(200);
    expect(await right.json()).toEqual({ data: { __typename: 'Query' } });
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
  });

  it('with a token: WebSocket without it is closed with 4401, with it acknowledged', async () => {
    t = await createTestApp({ config: { apiToken: 's3cret-token' } });
    const port = await t.app.start(0, '127.0.0.1');
    const url = `ws://127.0.0.1:${port}/graphql`;
    expect(await connect(url)).toEqual({ acked: false, code: 4401 });
    expect(await connect(url, { token: 'wrong' })).toEqual({ acked: false, code: 4401 });
    expect(await connect(url, { token: 's3cret-token' })).toEqual({ acked: true });
    expect(await connect(url, { authorization: 'Bearer s3cret-token' })).toEqual({ acked: true });
  });

  it('with a token: a WebSocket upgrade carrying it as a Bearer header (as the dashboard proxy sends it) is acknowledged', async () => {
    t = await createTestApp({ config: { apiToken: 's3cret-token' } });
    const port = await t.app.start(0, '127.0.0.1');
    const url = `ws://127.0.0.1:${port}/graphql`;
    expect(await connect(url, undefined, { authorization: 'Bearer s3cret-token' })).toEqual({ acked: true });
    expect(await connect(url, undefined, { authorization: 'Bearer wrong' })).toEqual({ acked: false, code: 4401 });
  });
});

describe('operation limits', () => {
  it('rejects an over-deep query', async () => {
    // The schema has no cycles, so a real query is at most 6 levels deep: the default limit (8)
    // is checked with a nonsense document, and the rule on real fields with a lower limit.
    t = await createTestApp();
    const nonsense = `{ ${'a { '.repeat(12)}b${' }'.repeat(12)} }`;
    const res = await t.gql(nonsense);
    expect(res.errors?.map((e) => e.extensions?.code)).toContain('DEPTH_LIMIT');
    await t.dispose();
    t = await createTestApp({ config: { limits: { ...defaultOperationLimits, maxDepth: 4 } } });
    const real = `{ workflows { nodes { latestRun { costEstimate { steps { stepId } } } } } }`;
    const deep = await t.gql(real);
    expect(deep.errors).toMatchObject([{ message: 'Operation "anonymous" is 6 levels deep; the limit is 4.', extensions: { code: 'DEPTH_LIMIT' } }]);
    expect((await t.gql(`{ workflows { nodes { id } } }`)).errors).toBeUndefined();
  });

  it('rejects an over-complex query and too many aliases', async () => {
    t = await createTestApp();
    const complex = await t.gql(`{ workflows(first: 200) { nodes { runs(first: 100) { steps { stepId name status costUsd inputTokens outputTokens } } } } }`);
    expect(complex.errors?.[0].extensions?.code).toBe('COST_LIMIT');
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: runtimes { id }`).join(' ');
    const aliased = await t.gql(`{ ${aliases} }`);
    expect(aliased.errors?.[0].extensions?.code).toBe('ALIAS_LIMIT');
    const introspection = await t.gql(`{ __schema { types { name fields { name type { ofType { ofType { ofType { name } } } } } } } }`);
    expect(introspection.errors).toBeUndefined();
  });

  it('keeps refusing a document served from the parse and validation caches', async () => {
    // The second and third sends hit yoga's caches (and a valid one runs compiled): depth and
    // aliases are part of the cached validation result, the cost is estimated at each execution.
    t = await createTestApp({ config: { limits: { ...defaultOperationLimits, maxDepth: 4 } } });
    const deep = `{ workflows { nodes { latestRun { costEstimate { steps { stepId } } } } } }`;
    for (let i = 0; i < 3; i++) expect((await t.gql(deep)).errors?.map((e) => e.extensions?.code)).toEqual(['DEPTH_LIMIT']);
    const complex = `{ workflows(first: 200) { nodes { runs(first: 100) { id status costUsd } } } }`;
    for (let i = 0; i < 3; i++) expect((await t.gql(complex)).errors?.map((e) => e.extensions?.code)).toEqual(['COST_LIMIT']);
    for (let i = 0; i < 3; i++) expect((await t.gql(`{ workflows { nodes { id } } }`)).errors).toBeUndefined();
  });

  it('counts a fragment spread several times in one selection set once, as graphql-js merges it', async () => {
    // Walked once per spread, this chain is 3^8 walks of `runtimes` (cost 72,171); at 14 links
    // the walk alone held the server for 22 s. graphql-js collects each fragment once.
    t = await createTestApp();
    const links = 9;
    const fragments = Array.from({ length: links }, (_, i) =>
      i === links - 1 ? `fragment F${i} on Query { runtimes { id } }` : `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} ...F${i + 1} }`,
    );
    const res = await t.gql(`query { ...F0 }\n${fragments.join('\n')}`);
    expect(res.errors).toBeUndefined();
    expect(res.data.runtimes.length).toBeGreaterThan(0);
  });

  it('rejects a document over the token limit', async () => {
    t = await createTestApp();
    const huge = `{ ${Array.from({ length: 3_100 }, () => '__typename').join(' ')} }`;
    const res = await t.gql(huge);
    expect(res.errors?.[0].message).toMatch(/contains more tha[nt] 3000 tokens/i);
  });
});

describe('request hygiene', () => {
  it('masks a plain Error as "Unexpected error." and logs it', async () => {
    t = await createTestApp({
      wrapEngine: (engine) =>
        new Proxy(engine, {
          get: (target, key, receiver) =>
            key === 'listRuntimes'
              ? () => {
                  throw new Error('database password is hunter2');
                }
              : Reflect.get(target, key, receiver),
        }) as EngineApi,
    });
    const res = await t.gql(`{ runtimes { id } }`);
    expect(res.errors).toEqual([
      { message: 'Unexpected error.', locations: [{ line: 1, column: 3 }], path: ['runtimes'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    ]);
    expect(JSON.stringify(res)).not.toContain('hunter2');
    expect(t.logged.some((l) => String(l.data?.message).includes('hunter2'))).toBe(true);
  });

  it('CSRF: a POST with a simple content type is refused unless it carries the custom header', async () => {
    t = await createTestApp();
    const form = await t.app.yoga.fetch('http://stagent/graphql', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ query: 'mutation { deleteWorkflow(id: "x") { deletedId } }' }),
    });
    expect(form.status).toBe(403);
    const withHeader = await t.app.yoga.fetch('http://stagent/graphql', {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-stagent-csrf': '1' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(withHeader.status).not.toBe(403);
    const getMutation = await t.app.yoga.fetch(`http://stagent/graphql?query=${encodeURIComponent('mutation { deleteWorkflow(id: "x") { deletedId } }')}`, {
      headers: { accept: 'application/json' },
    });
    expect(getMutation.status).toBe(405);
  });

  it('refuses bodies over the limit with 413', async () => {
    t = await createTestApp({ config: { maxBodyBytes: 4096 } });
    const port = await t.app.start(0, '127.0.0.1');
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(10_000) } }),
    });
    expect(res.status).toBe(413);
  });

  it('serves GraphiQL outside production only', async () => {
    t = await createTestApp();
    const page = await t.app.yoga.fetch('http://stagent/graphql', { headers: { accept: 'text/html' } });
    expect(await page.text()).toMatch(/graphiql/i);
    await t.dispose();
    t = await createTestApp({ config: { production: true } });
    const none = await t.app.yoga.fetch('http://stagent/graphql', { headers: { accept: 'text/html' } });
    expect(await none.text()).not.toMatch(/<html/i);
  });
});

describe('WebSocket origin', () => {
  it('refuses an upgrade from a browser origin that is not allowed', async () => {
    t = await createTestApp();
    const port = await t.app.start(0, '127.0.0.1');
    const status = await new Promise<number | string>((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws', { origin: 'https://evil.example' });
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('open', () => {
        socket.close();
        resolve('open');
      });
      socket.on('error', () => {});
    });
    expect(status).toBe(403);
    const allowed = await new Promise<string>((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws', { origin: 'http://localhost:5173' });
      socket.on('open', () => {
        socket.close();
        resolve('open');
      });
      socket.on('error', (e) => resolve(String(e)));
    });
    expect(allowed).toBe('open');
  });
});
