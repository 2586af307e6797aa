import type { Plugin } from 'graphql-yoga';
import { bearerToken, tokenMatches } from './host-admission.js';

// Defined beside the host rule, which the dashboard server shares and which needs them too.
export { bearerToken, tokenMatches };

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
