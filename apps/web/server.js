// Production server for the built dashboard (adapter-node output in ./build). It serves the app
// and proxies /graphql (HTTP and graphql-ws WebSocket) to the Stagent API, so the browser talks
// to one origin. When STAGENT_API_TOKEN is set, the proxy adds `Authorization: Bearer <token>` to
// proxied requests and upgrades, so the token never has to reach the browser.
//
// Since it speaks for the browser, it applies the API's host rule (../api/src/host-admission.js)
// to every request that does not carry the token itself, token or not on its side: only loopback
// names and STAGENT_ALLOWED_HOSTS are answered (421 otherwise), and only same-origin pages (403).
//
//   API_URL (default http://127.0.0.1:4000)   HOST (default 127.0.0.1)   PORT (default 3000)
//   STAGENT_ALLOWED_HOSTS (comma-separated names besides loopback, e.g. behind a reverse proxy)
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { admissionRefusal, ALLOWED_HOSTS_VARIABLE, bearerToken, parseAllowedHosts, tokenMatches } from '../api/src/host-admission.js';

const GRAPHQL = /^\/graphql(?:[/?#]|$)/;

/** The reason to refuse `req`, or null. A request that proves the token may come from any host. */
function refusal(req, policy, token) {
  if (token && tokenMatches(token, bearerToken(req.headers.authorization))) return null;
  return admissionRefusal({ host: req.headers.host, origin: req.headers.origin }, policy);
}

function forwardHeaders(req, api, token) {
  const headers = { ...req.headers, host: api.host };
  // Checked by refusal(): the API sees a same-origin request from the proxy.
  delete headers.origin;
  if (token && !headers.authorization) headers.authorization = `Bearer ${token}`;
  return headers;
}

function proxyHttp(req, res, api, token) {
  const upstream = http.request(
    { hostname: api.hostname, port: api.port, path: req.url, method: req.method, headers: forwardHeaders(req, api, token) },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', (error) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ message: `Stagent API unreachable at ${api.origin}: ${error.message}` }] }));
  });
  req.pipe(upstream);
}

function proxyUpgrade(req, socket, head, api, token) {
  const upstream = http.request({ hostname: api.hostname, port: api.port, path: req.url, method: req.method, headers: forwardHeaders(req, api, token) });
  upstream.on('upgrade', (answer, upstreamSocket, upstreamHead) => {
    const lines = [`HTTP/1.1 ${answer.statusCode} ${answer.statusMessage}`];
    for (let i = 0; i < answer.rawHeaders.length; i += 2) lines.push(`${answer.rawHeaders[i]}: ${answer.rawHeaders[i + 1]}`);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (upstreamHead?.length) socket.write(upstreamHead);
    if (head?.length) upstreamSocket.write(head);
    upstreamSocket.pipe(socket).pipe(upstreamSocket);
    upstreamSocket.on('error', () => socket.destroy());
    socket.on('error', () => upstreamSocket.destroy());
  });
  upstream.on('response', (answer) => {
    // The API refused the upgrade: pass its answer on and close.
    socket.end(`HTTP/1.1 ${answer.statusCode} ${answer.statusMessage}\r\nconnection: close\r\n\r\n`);
  });
  upstream.on('error', () => socket.destroy());
  upstream.end();
}

/**
 * Creates (does not start) the dashboard server.
 * @param {{ apiUrl?: string, token?: string, allowedHosts?: string, handler?: import('node:http').RequestListener }} [options]
 *   `allowedHosts`: comma-separated, like STAGENT_ALLOWED_HOSTS (the default).
 */
export async function createWebServer(options = {}) {
  const api = new URL(options.apiUrl ?? process.env.API_URL ?? 'http://127.0.0.1:4000');
  const token = options.token ?? process.env.STAGENT_API_TOKEN;
  const allowed = parseAllowedHosts(options.allowedHosts ?? process.env[ALLOWED_HOSTS_VARIABLE]);
  if (allowed.invalid.length) throw new TypeError(`${ALLOWED_HOSTS_VARIABLE} lists host names without port or scheme, got ${allowed.invalid.join(', ')}.`);
  // The proxy is same-origin by construction: no other browser origin is admitted.
  const policy = { allowedHosts: allowed.names, corsOrigins: [] };
  const handler = options.handler ?? (await import('./build/handler.js')).handler;
  const server = http.createServer((req, res) => {
    const refused = refusal(req, policy, token);
    if (refused) {
      res.writeHead(refused.status, { 'content-type': 'application/json', connection: 'close' });
      return res.end(JSON.stringify({ errors: [{ message: refused.message }] }));
    }
    if (!GRAPHQL.test(req.url ?? '')) return handler(req, res);
    proxyHttp(req, res, api, token);
  });
  server.on('upgrade', (req, socket, head) => {
    if (!GRAPHQL.test(req.url ?? '')) return socket.destroy();
    const refused = refusal(req, policy, token);
    if (!refused) return proxyUpgrade(req, socket, head, api, token);
    const body = JSON.stringify({ errors: [{ message: refused.message }] });
    socket.end(
      `HTTP/1.1 ${refused.status} ${http.STATUS_CODES[refused.status]}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
  return server;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const host = process.env.HOST ?? '127.0.0.1';
  const port = Number(process.env.PORT ?? 3000);
  const server = await createWebServer();
  server.listen(port, host, () => {
    const address = server.address();
    const shown = typeof address === 'object' && address ? address.port : port;
    console.log(`Stagent dashboard: http://${host}:${shown} (API ${process.env.API_URL ?? 'http://127.0.0.1:4000'})`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
