import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { EngineApi } from '@stagent/engine';
import { createContext, schema } from '@stagent/schema';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga, maskError, type YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import { bearerToken, connectionToken, tokenMatches, useBearerAuth } from './auth.js';
import { assertSafeBinding, type ApiConfig } from './config.js';
import { useCompiledQueries } from './compiled-queries.js';
import { useCsrfPrevention } from './csrf.js';
import { admissionRefusal } from './host-admission.js';
import { useNoIntrospection } from './no-introspection.js';
import { useOperationLimits } from './operation-limits.js';
import { DIRECT_DELIVERY, HTTP_STREAM, useSharedSubscriptionResults, type HttpStream } from './shared-subscription-results.js';
import { directDelivery } from './subscription-delivery.js';
import type { ApiMetrics } from './telemetry/metrics.js';

/** Where GraphQL is served (HTTP and WebSocket) and where the health check answers. */
export const GRAPHQL_PATH = '/graphql';
export const HEALTH_PATH = '/health';
/** Where Prometheus scrapes the metrics (when the app is given them). */
export const METRICS_PATH = '/metrics';

/** WebSocket close code for a missing or wrong token (graphql-ws uses 4403 for a refused init; we say "unauthorized"). */
export const WS_UNAUTHORIZED = 4401;

/** The message of a masked error (yoga's default). */
const UNEXPECTED_ERROR = 'Unexpected error.';

/** Minimal logger the app writes to (unexpected errors, lifecycle). */
export interface AppLogger {
  info(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

/** What {@link createApp} returns. */
export interface App {
  yoga: YogaServerInstance<Record<string, unknown>, Record<string, unknown>>;
  /** The Node HTTP server (created, not listening until {@link App.start}). */
  server: Server;
  /** Listens on `port` (0 = any free port) and resolves with the bound port. */
  start(port?: number, host?: string): Promise<number>;
  /** Closes WebSocket clients (1001), the WebSocket server and the HTTP server. Does not close the engine. */
  stop(): Promise<void>;
}

const stderrLogger: AppLogger = {
  info: (m, d) => console.error(`[stagent-api] ${m}${d ? ` ${JSON.stringify(d)}` : ''}`),
  error: (m, d) => console.error(`[stagent-api] error: ${m}${d ? ` ${JSON.stringify(d)}` : ''}`),
};

/** Answers a request with a small JSON error without involving yoga. */
function reject(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', connection: 'close', ...headers });
  res.end(JSON.stringify({ errors: [{ message }] }));
}

/**
 * GET /metrics: the registry in Prometheus text. With a token, only a request carrying it (the
 * same constant-time check as GraphQL's) reads it: counters of spend and runs are not public.
 */
function serveMetrics(req: IncomingMessage, res: ServerResponse, metrics: Pick<ApiMetrics, 'registry'>, apiToken: string | null, logger: AppLogger): void {
  if (apiToken && !tokenMatches(apiToken, bearerToken(req.headers.authorization)))
    return reject(res, 401, 'Missing or invalid bearer token.', { 'www-authenticate': 'Bearer realm="stagent"' });
  if (req.method !== 'GET' && req.method !== 'HEAD') return reject(res, 405, `${METRICS_PATH} answers GET only.`, { allow: 'GET, HEAD' });
  metrics.registry.metrics().then(
    (text) => {
      res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : text);
    },
    (error: unknown) => {
      logger.error('metrics collection failed', { message: String((error as Error)?.message ?? error) });
      reject(res, 500, 'Metrics collection failed.');
    },
  );
}

/**
 * Builds the server: graphql-yoga on HTTP and graphql-ws on the same port and path, both through
 * yoga's envelop (same context, validation rules, limits and error masking).
 */
export function createApp(options: {
  engine: EngineApi;
  config: ApiConfig;
  logger?: AppLogger;
  /** Serves {@link METRICS_PATH} and receives subscription measures; without it there is no /metrics. */
  metrics?: Pick<ApiMetrics, 'registry' | 'subscriptions'>;
}): App {
  const { engine, config, metrics } = options;
  const logger = options.logger ?? stderrLogger;
  assertSafeBinding(config);

  const maskLogged = (error: unknown, message: string, isDev?: boolean): Error => {
    const original = error instanceof GraphQLError ? error.originalError : error;
    if (original && !(original instanceof GraphQLError)) {
      logger.error('unexpected error in a resolver', { message: String((original as Error).message ?? original), stack: (original as Error).stack });
    }
    return maskError(error, message, isDev);
  };

  const yoga = createYoga<Record<string, unknown>>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    healthCheckEndpoint: HEALTH_PATH,
    landingPage: false,
    graphiql: config.production || !config.introspection ? false : { title: 'Stagent GraphQL', subscriptionsProtocol: 'WS' },
    // Over HTTP the server context carries the Node response: an event stream that leaves too much unread is dropped through it.
    context: ({ res }: { res?: ServerResponse }) => {
      const context: Record<PropertyKey, unknown> = createContext(engine);
      if (res) context[HTTP_STREAM] = { close: () => res.destroy() } satisfies HttpStream;
      return context;
    },
    cors: { origin: config.corsOrigins, credentials: false, allowedHeaders: ['content-type', 'authorization', 'x-stagent-csrf'] },
    logging: false,
    maskedErrors: { maskError: maskLogged, isDev: false },
    plugins: [
      ...(config.apiToken ? [useBearerAuth(config.apiToken, HEALTH_PATH)] : []),
      useCsrfPrevention(),
      useOperationLimits(config.limits),
      ...(config.introspection ? [] : [useNoIntrospection()]),
      useCompiledQueries(),
      // Results written straight to sockets skip envelop's masking hook: the same masking, applied once per shared result.
      useSharedSubscriptionResults({
        maskError: (error) => maskLogged(error, UNEXPECTED_ERROR, false),
        maxUnreadBytes: config.maxUnreadBytes,
        measures: metrics?.subscriptions,
      }),
    ],
  });

  // Without a token, only loopback names and the listed ones are answered (DNS rebinding). With
  // one, every request must carry it (HTTP: 401, WebSocket: 4401), from whatever host.
  const refusal = (req: IncomingMessage) =>
    config.apiToken
      ? null
      : admissionRefusal({ host: req.headers.host, origin: req.headers.origin }, { allowedHosts: config.allowedHosts, corsOrigins: config.corsOrigins });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const refused = refusal(req);
    if (refused) return reject(res, refused.status, refused.message);
    if (metrics && req.url?.split('?')[0] === METRICS_PATH) return serveMetrics(req, res, metrics, config.apiToken, logger);
    if (req.method === 'POST') {
      const length = req.headers['content-length'];
      if (length === undefined) return reject(res, 411, 'POST requests need a Content-Length header.');
      if (Number(length) > config.maxBodyBytes) return reject(res, 413, `Request body over ${config.maxBodyBytes} bytes.`);
    }
    void yoga(req, res);
  });

  const wss = new WebSocketServer({
    server,
    path: GRAPHQL_PATH,
    maxPayload: config.maxBodyBytes,
    verifyClient: (info: { req: IncomingMessage }, done: (ok: boolean, status?: number, message?: string) => void) => {
      const refused = refusal(info.req);
      if (refused) done(false, refused.status, refused.message);
      else done(true);
    },
  });

  type EnvelopedRoot = { execute: (args: ExecutionArgs) => unknown; subscribe: (args: ExecutionArgs) => unknown };
  const wsServer = useServer(
    {
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args) as never,
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args) as never,
      onConnect: (ctx) => {
        if (!config.apiToken) return true;
        // A browser sends the token in connectionParams; a proxy in front (the dashboard server)
        // sends it on the upgrade request's Authorization header.
        const upgradeToken = bearerToken(ctx.extra.request.headers.authorization);
        if (tokenMatches(config.apiToken, connectionToken(ctx.connectionParams)) || tokenMatches(config.apiToken, upgradeToken)) return true;
        ctx.extra.socket.close(WS_UNAUTHORIZED, 'Unauthorized');
        return false;
      },
      onSubscribe: async (ctx, id, params) => {
        const {
          schema: enveloped,
          execute,
          subscribe,
          contextFactory,
          parse,
          validate,
        } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
        });
        let document;
        try {
          document = parse(params.query);
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError('Syntax error.')];
        }
        const errors = validate(enveloped, document);
        if (errors.length) return errors;
        const contextValue: Record<PropertyKey, unknown> = await contextFactory();
        contextValue[DIRECT_DELIVERY] = directDelivery(ctx.extra.socket, id, config.maxUnreadBytes);
        return {
          schema: enveloped,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue,
          rootValue: { execute, subscribe },
        };
      },
    },
    wss,
  );

  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  return {
    yoga: yoga as App['yoga'],
    server,
    async start(port = config.port, host = config.host) {
      assertSafeBinding({ host, apiToken: config.apiToken });
      return new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    async stop() {
      // Closes every WebSocket client with 1001 (going away), then the WebSocket server.
      await wsServer.dispose();
      await new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeIdleConnections();
        // Requests still running get 5 s (graphql SSE streams never end by themselves).
        setTimeout(() => {
          for (const socket of sockets) socket.destroy();
        }, 5_000).unref();
      });
    },
  };
}
