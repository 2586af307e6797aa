// Types of host-admission.js (plain JavaScript, shared with apps/web/server.js).

/** The environment variable listing the extra host names a server without a token answers (comma-separated). */
export declare const ALLOWED_HOSTS_VARIABLE: 'STAGENT_ALLOWED_HOSTS';

/** Whether a host name or address (IPv6 with or without brackets) only reaches this machine. */
export declare function isLoopbackHost(host: string): boolean;

/** Reads a comma-separated list of host names; entries that are no bare name (e.g. with a port or a scheme) are returned as `invalid`. */
export declare function parseAllowedHosts(value: string | undefined): { names: string[]; invalid: string[] };

/** The name in a `Host` header value (`name`, `name:port`, `[v6]:port`), lowercased and without its port; null when it is none. */
export declare function hostNameOf(header: string | undefined): string | null;

/** Compares a presented token with the expected one in constant time (both hashed to 32 bytes first). */
export declare function tokenMatches(expected: string, presented: string | null | undefined): boolean;

/** The token of an `Authorization: Bearer <token>` header value, or null. */
export declare function bearerToken(header: string | null | undefined): string | null;

/** What {@link admissionRefusal} checks a request against. */
export interface AdmissionPolicy {
  /** Host names answered besides loopback (lowercase, no port): STAGENT_ALLOWED_HOSTS. */
  readonly allowedHosts: readonly string[];
  /** Browser origins admitted besides the same origin and the allowed names (the API's STAGENT_CORS_ORIGINS). */
  readonly corsOrigins: readonly string[];
}

/** A refused request: the HTTP status (421 for `Host`, 403 for `Origin`) and a message saying how to allow it. */
export interface AdmissionRefusal {
  status: 421 | 403;
  message: string;
}

/**
 * Why a request that proves no token must be refused, or null to serve it: `Host` must name
 * loopback or an allowed name (else 421); a browser's `Origin` must be the same origin, an allowed
 * name or one of the CORS origins (else 403).
 */
export declare function admissionRefusal(request: { host: string | undefined; origin: string | undefined }, policy: AdmissionPolicy): AdmissionRefusal | null;
