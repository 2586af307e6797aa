import type { Plugin } from 'graphql-yoga';

/** Header a client may send instead of a JSON content type to prove the request is not a simple cross-site form post. */
export const CSRF_HEADER = 'x-stagent-csrf';

/** Content types a browser can send cross-site without a CORS preflight. */
const SIMPLE_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/**
 * Yoga plugin against cross-site request forgery: a POST must carry a non-simple content type
 * (e.g. application/json, which forces a CORS preflight) or the {@link CSRF_HEADER} header;
 * otherwise 403. GET requests cannot carry mutations (yoga answers 405) so they pass.
 */
export function useCsrfPrevention(): Plugin {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      if (request.method !== 'POST' || request.headers.has(CSRF_HEADER)) return;
      const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
      if (type && !SIMPLE_TYPES.includes(type)) return;
      endResponse(
        new fetchAPI.Response(
          JSON.stringify({
            errors: [{ message: `POST requests need a "content-type: application/json" header (or a "${CSRF_HEADER}" header).`, extensions: { code: 'CSRF' } }],
          }),
          { status: 403, headers: { 'content-type': 'application/json' } },
        ),
      );
    },
  };
}
