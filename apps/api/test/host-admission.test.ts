import http, { type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadConfig } from '../src/config.js';
import { createTestApp, type TestApp } from './harness.js';

// A page on rebind.evil.example pointed its name at 127.0.0.1: the browser sends the page's own
// name as Host and Origin, and would let the page read whatever the server answers.
const REBOUND = { host: 'rebind.evil.example:4700', origin: 'http://rebind.evil.example:4700' };
const SETTINGS = JSON.stringify({ query: '{ settings { key value } }' });

/** The dashboard server (apps/web/server.js: plain JavaScript, run by node without a build). */
type CreateWebServer = (options: { apiUrl: string; token?: string; allowedHosts?: string; handler: RequestListener }) => Promise<Server>;
const { createWebServer } = (await import(new URL('../../web/server.js', import.meta.url).href)) as { createWebServer: CreateWebServer };

const opened: { close(): unknown }[] = [];
let t: TestApp | undefined;
afterEach(async () => {
  for (const server of opened.splice(0)) await new Promise((resolve) => (server as Server).close(resolve));
  await t?.dispose();
  t = undefined;
});

/** Sends one HTTP request with exactly these headers (Host included) and reads the whole answer. */
function request(
  port: number,
  options: { method?: string; path?: string; headers: Record<string, string>; body?: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: options.method ?? 'POST', path: options.path ?? '/graphql', headers: options.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Asks for the settings as the rebound page would, with `extra` headers. */
function askSettings(port: number, headers: Record<string, string> = {}) {
  return request(port, { headers: { host: REBOUND.host, origin: REBOUND.origin, 'content-type': 'application/json', ...headers }, body: SETTINGS });
}

/** Opens a graphql-transport-ws connection with these headers: the upgrade's status, or "acked" after connection_init. */
function connectWs(
  port: number,
  headers: Record<string, string>,
  connectionParams?: Record<string, unknown>,
): Promise<{ status: number | 'acked' | 'closed'; body?: string }> {
  return new Promise((resolve) => {
    const { origin, ...rest } = headers;
    const socket = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws', { headers: rest, ...(origin ? { origin } : {}) });
    socket.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += String(chunk)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: connectionParams })));
    socket.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'connection_ack') resolve({ status: 'acked' });
      socket.close();
    });
    socket.on('close', () => resolve({ status: 'closed' }));
    socket.on('error', () => {});
  });
}

async function startApi(config: Parameters<typeof createTestApp>[0] = {}): Promise<number> {
  t = await createTestApp(config);
  return t.app.start(0, '127.0.0.1');
}

async function startDashboard(apiPort: number, options: { token?: string; allowedHosts?: string } = {}): Promise<number> {
  const server = await createWebServer({ apiUrl: `http://127.0.0.1:${apiPort}`, handler: (_req, res) => res.end('the dashboard page'), ...options });
  opened.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('the API without a token answers only loopback and listed host names', () => {
  it('refuses a rebound name over HTTP with 421, naming the variable that allows it, and serves loopback names', async () => {
    const port = await startApi();
    const refused = await askSettings(port);
    expect(refused.status).toBe(421);
    expect(refused.body).toContain('STAGENT_ALLOWED_HOSTS');
    expect(refused.body).not.toContain('"settings"');

    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'LOCALHOST']) {
      const served = await request(port, { headers: { host, 'content-type': 'application/json' }, body: SETTINGS });
      expect(served.status, host).toBe(200);
      expect(JSON.parse(served.body).data.settings.length).toBeGreaterThan(0);
    }
    // The health check is no exception: a rebound page learns nothing, not even that the server is up.
    expect((await request(port, { method: 'GET', path: '/health', headers: { host: REBOUND.host } })).status).toBe(421);
  });

  it('refuses a rebound name over WebSocket before the upgrade', async () => {
    const port = await startApi();
    const refused = await connectWs(port, REBOUND);
    expect(refused.status).toBe(421);
    expect(refused.body).toContain('STAGENT_ALLOWED_HOSTS');
    expect((await connectWs(port, { host: `localhost:${port}`, origin: `http://localhost:${port}` })).status).toBe('acked');
  });

  it('serves a name listed in STAGENT_ALLOWED_HOSTS over HTTP and WebSocket', async () => {
    const port = await startApi({ config: { allowedHosts: loadConfig({ STAGENT_ALLOWED_HOSTS: ' Rebind.Evil.Example , stagent.internal' }).allowedHosts } });
    const served = await askSettings(port);
    expect(served.status).toBe(200);
    expect(JSON.parse(served.body).data.settings.length).toBeGreaterThan(0);
    expect((await connectWs(port, REBOUND)).status).toBe('acked');
  });

  it('admits an Origin only when it is the same origin as an allowed Host, a listed name or a CORS origin', async () => {
    const port = await startApi();
    const local = `localhost:${port}`;
    const ask = (origin: string) => request(port, { headers: { host: local, origin, 'content-type': 'application/json' }, body: SETTINGS });
    expect((await ask(`http://${local}`)).status).toBe(200);
    expect((await ask('http://localhost:5173')).status).toBe(200);
    for (const origin of ['https://evil.example', 'http://localhost:8080', 'null']) {
      const refused = await ask(origin);
      expect(refused.status, origin).toBe(403);
      expect(refused.body).toContain('Origin');
    }
    // The WebSocket check no longer trusts `http://${Host}` for any Host.
    expect((await connectWs(port, { host: local, origin: 'https://evil.example' })).status).toBe(403);
    expect((await connectWs(port, { host: REBOUND.host, origin: REBOUND.origin })).status).toBe(421);
  });

  it('refuses a malformed STAGENT_ALLOWED_HOSTS entry at start-up', () => {
    expect(() => loadConfig({ STAGENT_ALLOWED_HOSTS: 'https://stagent.example.com' })).toThrow(/STAGENT_ALLOWED_HOSTS lists host names without port or scheme/);
    expect(() => loadConfig({ STAGENT_ALLOWED_HOSTS: 'stagent.example.com:443' })).toThrow(/without port/);
  });
});

describe('the API with a token', () => {
  it('serves a request that carries the token from any host, and refuses one without it', async () => {
    const port = await startApi({ config: { apiToken: 's3cret-token' } });
    const served = await askSettings(port, { authorization: 'Bearer s3cret-token' });
    expect(served.status).toBe(200);
    expect(JSON.parse(served.body).data.settings.length).toBeGreaterThan(0);
    expect((await askSettings(port)).status).toBe(401);
    expect((await connectWs(port, REBOUND, { token: 's3cret-token' })).status).toBe('acked');
    expect((await connectWs(port, REBOUND)).status).toBe('closed');
  });
});

describe('the dashboard server applies the same rule', () => {
  it('refuses a rebound name for pages, /graphql and the WebSocket upgrade, even though it holds the token', async () => {
    const apiPort = await startApi({ config: { apiToken: 's3cret-token' } });
    const port = await startDashboard(apiPort, { token: 's3cret-token' });
    const refused = await askSettings(port);
    expect(refused.status).toBe(421);
    expect(refused.body).toContain('STAGENT_ALLOWED_HOSTS');
    expect((await request(port, { method: 'GET', path: '/workflows', headers: { host: REBOUND.host } })).status).toBe(421);
    expect((await connectWs(port, REBOUND)).status).toBe(421);

    // Its own pages, through loopback: the proxy adds the token.
    const served = await request(port, {
      headers: { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}`, 'content-type': 'application/json' },
      body: SETTINGS,
    });
    expect(served.status).toBe(200);
    expect((await request(port, { method: 'GET', path: '/workflows', headers: { host: `localhost:${port}` } })).body).toBe('the dashboard page');
    // A request that proves the token itself may come from any host.
    expect((await askSettings(port, { authorization: 'Bearer s3cret-token' })).status).toBe(200);
  });

  it("with a token, its own page's WebSocket (no token in connectionParams) is acknowledged: the proxy adds it to the upgrade", async () => {
    const apiPort = await startApi({ config: { apiToken: 's3cret-token' } });
    const port = await startDashboard(apiPort, { token: 's3cret-token' });
    expect((await connectWs(port, { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}` })).status).toBe('acked');
  });

  it('serves a name listed in STAGENT_ALLOWED_HOSTS over HTTP and WebSocket', async () => {
    const apiPort = await startApi();
    const port = await startDashboard(apiPort, { allowedHosts: 'rebind.evil.example' });
    const served = await askSettings(port);
    expect(served.status).toBe(200);
    expect(JSON.parse(served.body).data.settings.length).toBeGreaterThan(0);
    expect((await connectWs(port, REBOUND)).status).toBe('acked');
    expect((await connectWs(port, { host: REBOUND.host, origin: 'https://evil.example' })).status).toBe(403);
  });
});
