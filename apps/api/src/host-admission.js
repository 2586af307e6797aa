// Who may talk to a Stagent server that holds no token: the API (src/app.ts) and the dashboard
// server in front of it (apps/web/server.js) apply this one rule. Plain JavaScript (typed by
// host-admission.d.ts) because node runs the dashboard server without a build step.
//
// A page the user visits can point its own name at 127.0.0.1 (DNS rebinding): the browser then
// treats the local server as that page's origin and lets it read every answer. Such a request
// still names the page's host in `Host`, so a server without a token answers only loopback names
// and the names its operator listed.
import { createHash, timingSafeEqual } from 'node:crypto';

/** The environment variable listing the extra host names a server without a token answers (comma-separated). */
export const ALLOWED_HOSTS_VARIABLE = 'STAGENT_ALLOWED_HOSTS';

/** Longest part of a refused header value quoted back in a message. */
const QUOTED_PREFIX = 64;

/** A host name (letters, digits, dots, hyphens) or a bracketed IPv6 address, without a port. */
const NAME = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])$/;
/** A `Host` header value: a name, then an optional port. */
const HOST_HEADER = /^([^:[\]]+|\[[^\]]+\])(?::(\d{1,5}))?$/;

/** Whether a host name or address (IPv6 with or without brackets) only reaches this machine. */
export function isLoopbackHost(host) {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare) || bare === '::ffff:127.0.0.1';
}

/** Reads a comma-separated list of host names; entries that are no bare name (e.g. with a port or a scheme) are returned as `invalid`. */
export function parseAllowedHosts(value) {
  const names = [];
  const invalid = [];
  for (const entry of (value ?? '').split(',')) {
    const name = entry.trim().toLowerCase();
    if (!name) continue;
    (NAME.test(name) ? names : invalid).push(name);
  }
  return { names, invalid };
}

/** The name in a `Host` header value (`name`, `name:port`, `[v6]:port`), lowercased and without its port; null when it is none. */
export function hostNameOf(header) {
  const match = HOST_HEADER.exec((header ?? '').trim().toLowerCase());
  return match && NAME.test(match[1]) ? match[1] : null;
}

/** Compares a presented token with the expected one in constant time (both hashed to 32 bytes first). */
export function tokenMatches(expected, presented) {
  if (!presented) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header value, or null. */
export function bearerToken(header) {
  const match = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  return match ? match[1].trim() : null;
}

function quoted(value) {
  const text = String(value);
  return JSON.stringify(text.length > QUOTED_PREFIX ? `${text.slice(0, QUOTED_PREFIX)}…` : text);
}

/**
 * Why a request that proves no token must be refused, or null to serve it.
 *
 * - `Host` must name loopback (`localhost`, `127.0.0.1`, `[::1]`, any port) or one of
 *   `policy.allowedHosts` (any port); otherwise 421.
 * - `Origin`, when a browser sends one, must be the same origin as that `Host`, name a host in
 *   `policy.allowedHosts`, or be one of `policy.corsOrigins`; otherwise 403. (An allowed `Host`
 *   alone does not vouch for a page elsewhere: a page on `http://localhost:8080` is another site.)
 */
export function admissionRefusal(request, policy) {
  const name = hostNameOf(request.host);
  if (name === null || !(isLoopbackHost(name) || policy.allowedHosts.includes(name))) {
    return {
      status: 421,
      message:
        `Host ${quoted(request.host ?? '')} is not served: without a token this server answers only localhost, 127.0.0.1 and [::1] ` +
        `(any port) and the names in ${ALLOWED_HOSTS_VARIABLE}. To allow a name (e.g. behind a reverse proxy), add it to ${ALLOWED_HOSTS_VARIABLE} (comma-separated).`,
    };
  }
  const origin = request.origin;
  if (origin === undefined || origin === '' || policy.corsOrigins.includes(origin)) return null;
  let originHost = null;
  try {
    const url = new URL(origin);
    if (url.protocol === 'http:' || url.protocol === 'https:') originHost = url.host;
  } catch {
    originHost = null;
  }
  if (originHost !== null && (originHost === request.host.trim().toLowerCase() || policy.allowedHosts.includes(hostNameOf(originHost)))) return null;
  return {
    status: 403,
    message:
      `Origin ${quoted(origin)} may not use this server without a token: only pages from the same origin or from a name in ` +
      `${ALLOWED_HOSTS_VARIABLE} may (the API also admits the origins in STAGENT_CORS_ORIGINS).`,
  };
}
