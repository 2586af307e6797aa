import { createHash, timingSafeEqual } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';

/** Compares a presented token with the expected one in constant time (both hashed to 32 bytes first). */
export function tokenMatches(expected: string, presented: string | null | undefined): boolean {
  if (!presented) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header value, or null. */
export function bearerToken(header: string | null | undefined): string | null {
  const match = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  return match ? match[1].trim() : null;
}

/** The token a graphql-ws client sent: `connectionParams.token`, or `authorization` / `Authorization` as "Bearer <token>" or bare. */
export function connectionToken(params: Readonly<Record<string, unknown>> | undefined): string | null {
  if (!params) return null;
  if (typeof params.token === 'string') return params.token;
  const header = params.authorization ?? params.Authorization;
  if (typeof header !== 'string') return null;
  return bearerToken(header) ?? header;
}

/** Yoga plugin: every request except the health check needs `Authorization: Bearer <token>` (401 otherwise). */
export function useBearerAuth(token: string, healthPath: string): Plugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname === healthPath) return;
      if (tokenMatches(token, bearerToken(request.headers.get('authorization')))) return;
      endResponse(
        new fetchAPI.Response(JSON.stringify({ errors: [{ message: 'Missing or invalid bearer token.', extensions: { code: 'UNAUTHENTICATED' } }] }), {
          status: 401,
          headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="stagent"' },
        }),
      );
    },
  };
}
