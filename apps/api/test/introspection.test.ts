import { schema } from '@stagent/schema';
import { buildClientSchema, getIntrospectionQuery, printSchema, type IntrospectionOptions, type IntrospectionQuery } from 'graphql';
import { createClient } from 'graphql-ws';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ConfigError, loadConfig } from '../src/config.js';
import { defaultOperationLimits } from '../src/operation-limits.js';
import { createTestApp, type TestApp } from './harness.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

/** `__schema { types { fields { type { ofType { … } } } } }` with `ofTypes` nested `ofType` fields. */
function ofTypeChain(ofTypes: number): string {
  return `{ __schema { types { fields { type { ${'ofType { '.repeat(ofTypes)}name${' }'.repeat(ofTypes)} } } } } }`;
}

/** The introspection queries GraphiQL and graphql-codegen (through @graphql-tools/url-loader) send: graphql-js's, with its options. */
const STANDARD_INTROSPECTION: Record<string, IntrospectionOptions | undefined> = {
  'graphql-js default (GraphiQL)': undefined,
  'graphql-codegen (descriptions)': { descriptions: true },
  'every option on': {
    descriptions: true,
    specifiedByUrl: true,
    directiveIsRepeatable: true,
    schemaDescription: true,
    inputValueDeprecation: true,
    oneOf: true,
  },
};

describe('introspection depth', () => {
  it.each(Object.entries(STANDARD_INTROSPECTION))('answers the standard introspection query: %s', async (_label, options) => {
    t = await createTestApp();
    const res = await t.gql<IntrospectionQuery>(getIntrospectionQuery(options));
    expect(res.errors).toBeUndefined();
    // What a client builds from the answer is the whole schema, so nothing was cut.
    expect(printSchema(buildClientSchema(res.data!))).toBe(printSchema(schema));
  });

  it('refuses 30 levels of ofType with the limit in the message (HTTP)', async () => {
    t = await createTestApp();
    const res = await t.gql(ofTypeChain(30));
    expect(res.data).toBeUndefined();
    expect(res.errors).toMatchObject([
      {
        message:
          'Operation "anonymous" introspects 35 levels deep; the limit is 15 (the standard introspection query, graphql-js getIntrospectionQuery(), fits).',
        extensions: { code: 'INTROSPECTION_DEPTH_LIMIT' },
      },
    ]);
  });

  it('counts from the root field to the leaf, so the limit itself passes and one more level does not', async () => {
    t = await createTestApp();
    // __schema, types, fields, type, n × ofType, name: depth n + 5.
    const atLimit = defaultOperationLimits.maxIntrospectionDepth - 5;
    expect((await t.gql(ofTypeChain(atLimit))).errors).toBeUndefined();
    expect((await t.gql(ofTypeChain(atLimit + 1))).errors?.map((e) => e.extensions?.code)).toEqual(['INTROSPECTION_DEPTH_LIMIT']);
    // __type(name:) is bounded the same way.
    const typeChain = `{ __type(name: "Workflow") { fields { type { ${'ofType { '.repeat(30)}name${' }'.repeat(30)} } } } }`;
    expect((await t.gql(typeChain)).errors?.map((e) => e.extensions?.code)).toEqual(['INTROSPECTION_DEPTH_LIMIT']);
  });

  it('refuses it over WebSocket too', async () => {
    t = await createTestApp();
    const port = await t.app.start(0, '127.0.0.1');
    const client = createClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const errors = await new Promise<unknown>((resolve) => {
        client.subscribe({ query: ofTypeChain(30) }, { next: () => resolve('answered'), error: resolve, complete: () => resolve('completed') });
      });
      expect(errors).toMatchObject([{ extensions: { code: 'INTROSPECTION_DEPTH_LIMIT' } }]);
    } finally {
      await client.dispose();
    }
  });
});

describe('STAGENT_INTROSPECTION', () => {
  it('is on by default, in production too; 0 turns it off, and anything but 0 or 1 is refused', () => {
    expect(loadConfig({}).introspection).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production' }).introspection).toBe(true);
    expect(loadConfig({ STAGENT_INTROSPECTION: '1' }).introspection).toBe(true);
    expect(loadConfig({ STAGENT_INTROSPECTION: '0' }).introspection).toBe(false);
    expect(() => loadConfig({ STAGENT_INTROSPECTION: 'off' })).toThrow(new ConfigError('STAGENT_INTROSPECTION must be 1 (on) or 0 (off), got "off".'));
  });

  it('a production server answers the standard introspection query', async () => {
    t = await createTestApp({ config: { production: loadConfig({ NODE_ENV: 'production' }).production } });
    expect(t.config).toMatchObject({ production: true, introspection: true });
    const res = await t.gql<IntrospectionQuery>(getIntrospectionQuery());
    expect(res.errors).toBeUndefined();
    expect(res.data!.__schema.queryType.name).toBe('Query');
  });

  it('off: __schema and __type are refused over HTTP and WebSocket, __typename and queries still answer, no GraphiQL', async () => {
    t = await createTestApp({ config: { introspection: loadConfig({ STAGENT_INTROSPECTION: '0' }).introspection } });
    const refused = await t.gql(getIntrospectionQuery());
    expect(refused.data).toBeUndefined();
    expect(refused.errors).toMatchObject([
      {
        message: 'Introspection (__schema) is turned off on this server (STAGENT_INTROSPECTION=0). The schema is published as packages/schema/schema.graphql.',
        extensions: { code: 'INTROSPECTION_DISABLED' },
      },
    ]);
    expect((await t.gql(`{ __type(name: "Workflow") { name } }`)).errors?.map((e) => e.extensions?.code)).toEqual(['INTROSPECTION_DISABLED']);
    expect(await t.gql(`{ __typename workflows { totalCount } }`)).toEqual({ data: { __typename: 'Query', workflows: { totalCount: 0 } } });
    const page = await t.app.yoga.fetch('http://stagent/graphql', { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toMatch(/graphiql/i);

    const port = await t.app.start(0, '127.0.0.1');
    const client = createClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const outcome = await new Promise<unknown>((resolve) => {
        client.subscribe(
          { query: `{ __schema { queryType { name } } }` },
          { next: () => resolve('answered'), error: resolve, complete: () => resolve('completed') },
        );
      });
      expect(outcome).toMatchObject([{ extensions: { code: 'INTROSPECTION_DISABLED' } }]);
    } finally {
      await client.dispose();
    }
  });
});
